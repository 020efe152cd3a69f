"""The team at work: shifts, access by shift, clock in/out, the routing queue and performance."""
