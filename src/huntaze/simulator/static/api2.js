// The api2 skin of the fan-platform simulator (DESIGN.md §3): every view fetches /api2/v2 JSON.
"use strict";
(function () {
  const app = document.getElementById("app");
  const page = app.dataset.page;
  const fanId = app.dataset.fan;
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const usd = (n) => "$" + Number(n).toFixed(2);
  // Message and post text arrives as HTML (<p>…</p>, entities): shown as its text, line by line.
  const textOf = (html) => {
    const doc = new DOMParser().parseFromString(String(html || ""), "text/html");
    const paragraphs = Array.from(doc.body.querySelectorAll("p"));
    return paragraphs.length ? paragraphs.map((p) => p.textContent).join("\n") : doc.body.textContent;
  };
  // Statement entries carry no type: the kind is the start of their description.
  const KINDS = [["Recurring subscription from", "subscription"], ["Subscription from", "subscription"], ["Tip from", "tip"], ["Payment for message from", "ppv"]];
  const kindOf = (description) => (KINDS.find(([prefix]) => textOf(description).startsWith(prefix)) || ["", "other"])[1];
  const routes = { chat: (id) => "/my/chats/chat/" + id };
  let me = null;
  const when = (iso) => new Date(iso).toLocaleString("en-GB", { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

  async function api(path, options) {
    const opts = Object.assign({ credentials: "same-origin", headers: { Accept: "application/json" } }, options || {});
    if (opts.json !== undefined) {
      opts.method = opts.method || "POST";
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(opts.json);
    }
    const response = await fetch("/api2/v2" + path, opts);
    if (response.status === 401) { window.location.href = "/login?expired=1"; throw new Error("session expired"); }
    const body = await response.json();
    if (!response.ok) { throw new Error(body.error ? body.error.message : "Request failed"); }
    return body;
  }

  function fail(box, error) { box.innerHTML = '<div class="b-error">' + esc(error.message) + "</div>"; }

  async function vaultPicker() {
    const vault = await api("/vault/media?limit=24");
    return '<div class="b-vault-picker">' + vault.list.map((m) =>
      '<label class="b-vault-picker__item"><input type="checkbox" class="b-vault-picker__check" value="' + m.id + '"><img src="' + esc(m.files.thumb.url) + '" alt="' + esc(m.name) + '"></label>').join("") + "</div>";
  }
  const picked = () => Array.from(app.querySelectorAll(".b-vault-picker__check:checked")).map((c) => Number(c.value));

  const views = {
    async chats() {
      let offset = 0;
      app.innerHTML = '<h2 class="g-page-title">Messages</h2><div class="b-chats"></div><button class="g-btn m-border b-chats__more" hidden>Load more</button>';
      const list = app.querySelector(".b-chats");
      const more = app.querySelector(".b-chats__more");
      async function load() {
        const data = await api("/chats?limit=20&offset=" + offset + "&order=recent");
        list.insertAdjacentHTML("beforeend", data.list.map((c) =>
          '<a class="b-chats__item' + (c.unreadMessagesCount ? " m-unread" : "") + '" href="' + routes.chat(c.withUser.id) + '" data-user-id="' + c.withUser.id + '">' +
          '<span class="g-avatar">' + esc(c.withUser.name[0]) + '</span><span class="b-chats__item__body"><span class="b-chats__item__name">' + esc(c.withUser.name) +
          '</span><span class="b-chats__item__last">' + (c.lastMessage && c.lastMessage.fromUser.id === me.id ? "You: " : "") + esc(c.lastMessage ? textOf(c.lastMessage.text) : "") + '</span></span>' +
          '<span class="b-chats__item__time">' + (c.lastMessage ? when(c.lastMessage.createdAt) : "") + "</span>" +
          (c.unreadMessagesCount ? '<span class="b-chats__item__count">' + c.unreadMessagesCount + "</span>" : "") + "</a>").join(""));
        offset = data.nextOffset;
        more.hidden = !data.hasMore;
      }
      more.addEventListener("click", load);
      const unread = await api("/chats?limit=20&offset=0&filter=unread");
      app.querySelector(".g-page-title").insertAdjacentHTML("beforeend", unread.list.length ? ' <span class="b-chats__unread">' + unread.list.length + (unread.hasMore ? "+" : "") + "</span>" : "");
      await load();
    },

    async chat() {
      app.innerHTML = '<div class="b-chat"><div class="b-chat__header"><a href="/my/chats" class="b-chat__back">‹</a><span class="b-chat__title"></span></div>' +
        '<button class="g-btn m-flat b-chat__older" hidden>Show older messages</button><div class="b-chat__messages"></div>' +
        '<div class="b-chat__footer"><div class="b-make-post__error" hidden></div><textarea class="b-chat__text-field" placeholder="Type a message..." rows="2"></textarea>' +
        '<div class="b-chat__tools"><button type="button" class="g-btn m-flat b-chat__btn-media">Vault</button>' +
        '<div class="b-chat__price"><span>$</span><input class="b-chat__price-input" type="number" min="0" step="0.01" placeholder="Price"></div>' +
        '<button type="button" class="g-btn m-rounded b-chat__btn-submit">Send</button></div><div class="b-chat__media" hidden></div></div></div>';
      const box = app.querySelector(".b-chat__messages");
      const older = app.querySelector(".b-chat__older");
      app.querySelector(".b-chat__title").textContent = app.dataset.fanName;
      let oldest = null;
      const render = (m) => '<div class="b-chat__message' + (m.fromUser.id === me.id ? " m-from-me" : "") + '" data-id="' + m.id + '"><div class="b-chat__message__text">' + esc(textOf(m.text)) + "</div>" +
        m.media.map((x) => '<img class="b-chat__message__media" src="' + esc(x.src) + '" alt="">').join("") +
        (m.isFree ? "" : '<div class="b-chat__message__price">' + usd(m.price) + " PPV" + (m.isOpened ? " · viewed" : "") + "</div>") +
        '<div class="b-chat__message__time">' + when(m.createdAt) + "</div></div>";
      async function load(prepend) {
        const data = await api("/chats/" + fanId + "/messages?limit=20" + (oldest ? "&id=" + oldest : ""));
        if (data.list.length) { oldest = data.list[data.list.length - 1].id; }
        const html = data.list.slice().reverse().map(render).join("");
        box.insertAdjacentHTML(prepend ? "afterbegin" : "beforeend", html);
        older.hidden = !data.hasMore;
        if (!prepend) { box.scrollTop = box.scrollHeight; }
      }
      older.addEventListener("click", () => load(true));
      await load(false);
      // Marking the chat read is a side effect: the chat works even when its answer is lost.
      await api("/chats/" + fanId + "/mark-as-read", { method: "POST" }).catch(() => null);
      const mediaBox = app.querySelector(".b-chat__media");
      app.querySelector(".b-chat__btn-media").addEventListener("click", async () => {
        if (!mediaBox.innerHTML) { mediaBox.innerHTML = await vaultPicker(); }
        mediaBox.hidden = !mediaBox.hidden;
      });
      const error = app.querySelector(".b-make-post__error");
      app.querySelector(".b-chat__btn-submit").addEventListener("click", async () => {
        const text = app.querySelector(".b-chat__text-field");
        const price = app.querySelector(".b-chat__price-input");
        try {
          const sent = await api("/chats/" + fanId + "/messages", { json: { text: text.value, price: Number(price.value || 0), mediaFiles: picked(), previews: [], lockedText: false } });
          box.insertAdjacentHTML("beforeend", render(sent));
          box.scrollTop = box.scrollHeight;
          text.value = ""; price.value = ""; error.hidden = true;
        } catch (e) { error.textContent = e.message; error.hidden = false; }
      });
    },

    async fans() {
      let type = app.dataset.status || "active", offset = 0;
      app.innerHTML = '<h2 class="g-page-title">Fans</h2><div class="b-tabs"><button class="b-tabs__item m-current" data-type="active">Active</button><button class="b-tabs__item" data-type="expired">Expired</button><button class="b-tabs__item" data-type="all">All</button></div><div class="b-users"></div><button class="g-btn m-border b-users__more">Load more</button>';
      app.querySelectorAll(".b-tabs__item").forEach((t) => t.classList.toggle("m-current", t.dataset.type === type));
      const list = app.querySelector(".b-users");
      const more = app.querySelector(".b-users__more");
      async function load() {
        const data = await api("/subscriptions/subscribers?limit=30&offset=" + offset + "&type=" + type + "&format=infinite");
        const users = data.list;
        list.insertAdjacentHTML("beforeend", users.map((u) => '<div class="b-users__item" data-user-id="' + u.id + '"><span class="g-avatar">' + esc(u.name[0]) + '</span><div class="b-users__item__info"><b class="b-username">' + esc(u.name) + '</b><span class="g-user-username">@' + esc(u.username) + '</span></div>' +
          '<div class="b-users__item__sub"><span class="b-users__item__status m-' + u.subscribedOnData.status + '">' + esc(u.subscribedOnData.status) + '</span><span>since ' + esc(u.subscribedOnData.subscribeAt.slice(0, 10)) + '</span></div><div class="b-users__item__total">' + usd(u.subscribedOnData.totalSumm) + '</div><a class="g-btn m-rounded m-sm" href="' + routes.chat(u.id) + '">Message</a></div>').join(""));
        offset += users.length;
        more.hidden = !data.hasMore;
      }
      app.querySelectorAll(".b-tabs__item").forEach((tab) => tab.addEventListener("click", async () => {
        app.querySelectorAll(".b-tabs__item").forEach((t) => t.classList.remove("m-current"));
        tab.classList.add("m-current"); type = tab.dataset.type; offset = 0; list.innerHTML = ""; await load();
      }));
      more.addEventListener("click", load);
      await load();
    },

    async statements() {
      const chart = await api("/earnings/chart?days=30");
      const stats = await api("/earnings/statistics?days=30");
      app.innerHTML = '<h2 class="g-page-title">Statements</h2><div class="b-statements__net">Last 30 days: ' + usd(stats.list.total.all.total_gross) + " gross, " + usd(stats.list.total.all.total_net) + ' net, chargebacks left out</div><div class="b-statements__summary">' +
        [["Subscriptions", chart.total.subscription], ["Tips", chart.total.tip], ["Messages", chart.total.ppv], ["Total", chart.total.total]].map(([k, v]) =>
          '<div class="b-statements__summary__item"><span>' + k + '</span><b class="b-statements__amount">' + usd(v) + "</b></div>").join("") +
        '</div><div class="b-statements__cols"><div class="b-payouts"><h3>Earnings</h3><div class="b-payouts__list"></div><button class="g-btn m-border b-payouts__more" hidden>Load more</button></div>' +
        '<div class="b-chart"><h3>By day</h3>' + chart.list.map((d) => '<div class="b-chart__row"><span>' + d.date.slice(5) + '</span><span class="b-chart__bar" style="width:' +
          Math.min(100, d.total / Math.max(1, chart.total.total) * 600) + '%"></span><b>' + usd(d.total) + "</b></div>").join("") + "</div></div>";
      const list = app.querySelector(".b-payouts__list");
      const more = app.querySelector(".b-payouts__more");
      let marker = null;
      async function load() {
        const tx = await api("/payouts/transactions?limit=30" + (marker ? "&marker=" + marker : ""));
        list.insertAdjacentHTML("beforeend", tx.list.map((t) =>
          '<div class="b-payouts__item m-' + kindOf(t.description) + (t.status === "done" ? "" : " m-status-" + esc(t.status)) + '" data-id="' + esc(t.id) + '" data-user-id="' + (t.user ? t.user.id : "") + '" data-status="' + esc(t.status) + '"><span class="b-payouts__item__date">' + when(t.createdAt) +
          '</span><span class="b-payouts__item__desc">' + esc(textOf(t.description)) + (t.user ? " @" + esc(t.user.username) : "") + (t.status === "undo" ? " (chargeback)" : "") +
          '</span><span class="b-payouts__item__amount">' + usd(t.amount) + '</span><span class="b-payouts__item__net">net ' + usd(t.net) + "</span></div>").join(""));
        marker = tx.nextMarker;
        more.hidden = !tx.hasMore;
      }
      more.addEventListener("click", load);
      await load();
    },

    async posts() {
      app.innerHTML = '<h2 class="g-page-title">Posts</h2><div class="b-make-post"><textarea class="b-make-post__text" rows="3" placeholder="Compose new post..."></textarea>' +
        '<div class="b-make-post__media"></div><div class="b-make-post__tools"><input type="datetime-local" class="b-make-post__schedule"><button type="button" class="g-btn m-rounded b-make-post__submit">Post</button></div><div class="b-make-post__error" hidden></div></div><div class="b-feed"></div><button class="g-btn m-border b-feed__more" hidden>Load more</button>';
      app.querySelector(".b-make-post__media").innerHTML = await vaultPicker();
      const feed = app.querySelector(".b-feed");
      const more = app.querySelector(".b-feed__more");
      let before = null;
      async function load(append) {
        const data = await api("/users/" + me.id + "/posts?limit=10&order=publish_date_desc&format=infinite" + (append && before ? "&beforePublishTime=" + before : ""));
        const html = data.list.map((p) => '<div class="b-post" data-id="' + p.id + '"><div class="b-post__date">' + when(p.postedAt) + '</div><div class="b-post__text">' + esc(textOf(p.text)) + "</div>" +
          p.media.map((m) => '<img class="b-post__media" src="' + esc(m.src) + '" alt="">').join("") + "</div>").join("");
        if (append) { feed.insertAdjacentHTML("beforeend", html); } else { feed.innerHTML = html; }
        before = data.tailMarker;
        more.hidden = !data.hasMore;
      }
      more.addEventListener("click", () => load(true));
      app.querySelector(".b-make-post__submit").addEventListener("click", async () => {
        const when = app.querySelector(".b-make-post__schedule").value;
        const error = app.querySelector(".b-make-post__error");
        try {
          await api("/posts", { json: { text: app.querySelector(".b-make-post__text").value, mediaFiles: picked(), scheduledDate: when ? when + ":00Z" : null } });
          app.querySelector(".b-make-post__text").value = ""; error.hidden = true; await load(false);
        } catch (e) { error.textContent = e.message; error.hidden = false; }
      });
      await load(false);
    },

    async vault() {
      app.innerHTML = '<h2 class="g-page-title">Vault</h2><div class="b-vault__upload"><input type="file" class="b-vault__file" accept="image/*,video/*"><button type="button" class="g-btn m-rounded b-vault__submit">Upload</button></div>' +
        '<div class="b-vault__lists"></div><div class="b-make-post__tools"><input class="b-vault__list-name" placeholder="New list name"><button type="button" class="g-btn m-border b-vault__list-create">Create list</button></div><div class="b-vault"></div>';
      let current = null;
      async function load() {
        const lists = await api("/vault/lists?view=main&limit=100&offset=0&order=desc");
        app.querySelector(".b-vault__lists").innerHTML = '<button class="b-tabs__item b-vault__list' + (current ? "" : " m-current") + '" data-list="">All media</button>' + lists.list.map((l) =>
          '<button class="b-tabs__item b-vault__list' + (current === String(l.id) ? " m-current" : "") + '" data-list="' + l.id + '">' + esc(l.name) + " (" + l.mediasCount + ")</button>").join("");
        app.querySelectorAll(".b-vault__list").forEach((b) => b.addEventListener("click", async () => { current = b.dataset.list || null; await load(); }));
        const data = await api("/vault/media?limit=100&offset=0&field=recent&order=desc" + (current ? "&list=" + current : ""));
        app.querySelector(".b-vault").innerHTML = data.list.map((m) => '<div class="b-vault__item" data-id="' + m.id + '"><img src="' + esc(m.files.thumb.url) + '" alt=""><span>' + esc(m.name) + "</span></div>").join("");
      }
      app.querySelector(".b-vault__submit").addEventListener("click", async () => {
        const file = app.querySelector(".b-vault__file").files[0];
        if (!file) { return; }
        const form = new FormData(); form.append("file", file);
        await api("/vault/media", { method: "POST", body: form }); await load();
      });
      app.querySelector(".b-vault__list-create").addEventListener("click", async () => {
        await api("/vault/lists", { json: { name: app.querySelector(".b-vault__list-name").value } }); await load();
      });
      await load();
    },

    async mass() {
      const lists = await api("/lists?limit=10&offset=0");
      app.innerHTML = '<h2 class="g-page-title">New mass message</h2><div class="b-make-post"><div class="b-mass__lists">' + lists.list.map((l) =>
          '<label><input type="checkbox" class="b-mass__list" value="' + esc(l.id) + '"' + (l.id === "fans" ? " checked" : "") + "> " + esc(l.name) + " (" + l.usersCount + ')</label><label class="b-mass__exclude-label"><input type="checkbox" class="b-mass__exclude" value="' + esc(l.id) + '"> exclude</label>').join("") +
        '</div><textarea class="b-mass__text" rows="3" placeholder="Message to the chosen lists..."></textarea>' +
        '<div class="b-make-post__media"></div><div class="b-make-post__tools"><div class="b-chat__price"><span>$</span><input class="b-mass__price" type="number" min="0" step="0.01" placeholder="Price"></div>' +
        '<button type="button" class="g-btn m-rounded b-mass__submit">Send</button></div><div class="b-mass__result"></div></div><h3>Sent mass messages</h3><div class="b-mass-stats"></div>';
      app.querySelector(".b-make-post__media").innerHTML = await vaultPicker();
      const checked = (cls) => Array.from(app.querySelectorAll(cls + ":checked")).map((c) => c.value);
      async function stats() {
        const data = await api("/messages/queue/stats?limit=10&offset=0&format=infinite");
        app.querySelector(".b-mass-stats").innerHTML = data.list.map((m) => '<div class="b-mass-stats__item" data-id="' + m.id + '"><span class="b-mass-stats__date">' + when(m.date) + '</span><span class="b-mass-stats__text">' + esc(textOf(m.text)) + "</span>" +
          '<span class="b-mass-stats__sent">' + m.sentCount + ' sent</span><span class="b-mass-stats__viewed">' + m.viewedCount + ' viewed</span><span class="b-mass-stats__bought">' + m.purchasedCount + " bought</span>" +
          (m.canUnsend ? '<button type="button" class="g-btn m-flat b-mass-stats__unsend" data-id="' + m.id + '">Unsend</button>' : '<span class="b-mass-stats__unsent">unsent</span>') + "</div>").join("");
        app.querySelectorAll(".b-mass-stats__unsend").forEach((b) => b.addEventListener("click", async () => { await api("/messages/queue/" + b.dataset.id, { method: "DELETE" }); await stats(); }));
      }
      app.querySelector(".b-mass__submit").addEventListener("click", async () => {
        const result = app.querySelector(".b-mass__result");
        try {
          const sent = await api("/messages/queue", { json: { text: app.querySelector(".b-mass__text").value, price: Number(app.querySelector(".b-mass__price").value || 0), mediaFiles: picked(), previews: [], userLists: checked(".b-mass__list"), userIds: [], excludedLists: checked(".b-mass__exclude") } });
          result.className = "b-mass__result m-ok"; result.textContent = "Queued for " + sent.sentCount + " fans.";
          await stats();
        } catch (e) { result.className = "b-mass__result b-error"; result.textContent = e.message; }
      });
      await stats();
    },

    async links() {
      const [campaigns, trials] = await Promise.all([api("/campaigns"), api("/trials")]);
      const rows = (items, kind) => items.map((l) => '<div class="b-links__item" data-id="' + l.id + '"><b>' + esc(l.name) + '</b><span class="b-links__kind">' + kind + (l.subscribeDays ? " " + l.subscribeDays + "d" : "") +
        '</span><code>' + esc(l.url) + '</code><span>' + l.clicksCount + ' clicks</span><span class="b-links__subs">' + l.subscribersCount + ' subs</span><b class="b-links__revenue">' + usd(l.revenue) + "</b></div>").join("");
      app.innerHTML = '<h2 class="g-page-title">Tracking links</h2><div class="b-make-post__tools"><input class="b-links__name" placeholder="Campaign name"><button type="button" class="g-btn m-rounded b-links__create">Create tracking link</button><button type="button" class="g-btn m-border b-links__trial">Create 7-day trial link</button></div>' +
        '<div class="b-links">' + rows(campaigns.list, "tracking") + rows(trials.list, "trial") + "</div>";
      app.querySelector(".b-links__create").addEventListener("click", async () => { await api("/campaigns", { json: { campaignName: app.querySelector(".b-links__name").value } }); views.links(); });
      app.querySelector(".b-links__trial").addEventListener("click", async () => { await api("/trials", { json: { trialLinkName: app.querySelector(".b-links__name").value, subscribeDays: 7 } }); views.links(); });
    },
  };

  api("/users/me").then((user) => { me = user; return (views[page] || views.chats)(); }).then(() => { app.dataset.ready = "1"; }).catch((e) => fail(app, e));
})();
