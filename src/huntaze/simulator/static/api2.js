// The api2 skin of the fan-platform simulator (DESIGN.md §3): every view fetches /api2/v2 JSON.
"use strict";
(function () {
  const app = document.getElementById("app");
  const page = app.dataset.page;
  const fanId = app.dataset.fan;
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const usd = (n) => "$" + Number(n).toFixed(2);
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
        const data = await api("/chats?limit=20&offset=" + offset);
        list.insertAdjacentHTML("beforeend", data.list.map((c) =>
          '<a class="b-chats__item' + (c.unreadMessagesCount ? " m-unread" : "") + '" href="/my/chats/' + c.withUser.id + '" data-user-id="' + c.withUser.id + '">' +
          '<span class="g-avatar">' + esc(c.withUser.name[0]) + '</span><span class="b-chats__item__body"><span class="b-chats__item__name">' + esc(c.withUser.name) +
          '</span><span class="b-chats__item__last">' + (c.lastMessage && c.lastMessage.isFromCreator ? "You: " : "") + esc(c.lastMessage ? c.lastMessage.text : "") + '</span></span>' +
          '<span class="b-chats__item__time">' + (c.lastMessage ? when(c.lastMessage.createdAt) : "") + "</span>" +
          (c.unreadMessagesCount ? '<span class="b-chats__item__count">' + c.unreadMessagesCount + "</span>" : "") + "</a>").join(""));
        offset = data.nextOffset;
        more.hidden = !data.hasMore;
      }
      more.addEventListener("click", load);
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
      const render = (m) => '<div class="b-chat__message' + (m.isFromCreator ? " m-from-me" : "") + '" data-id="' + m.id + '"><div class="b-chat__message__text">' + esc(m.text) + "</div>" +
        m.media.map((x) => '<img class="b-chat__message__media" src="' + esc(x.src) + '" alt="">').join("") +
        (m.isFree ? "" : '<div class="b-chat__message__price' + (m.isOpened ? " m-paid" : "") + '">' + usd(m.price) + (m.isOpened ? " paid" : " not paid yet") + "</div>") +
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
      await api("/chats/" + fanId + "/mark-as-read", { method: "POST" });
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
          const sent = await api("/chats/" + fanId + "/messages", { json: { text: text.value, price: Number(price.value || 0), mediaFiles: picked(), lockedText: false } });
          box.insertAdjacentHTML("beforeend", render(sent));
          box.scrollTop = box.scrollHeight;
          text.value = ""; price.value = ""; error.hidden = true;
        } catch (e) { error.textContent = e.message; error.hidden = false; }
      });
    },

    async fans() {
      let type = "active", offset = 0;
      app.innerHTML = '<h2 class="g-page-title">Fans</h2><div class="b-tabs"><button class="b-tabs__item m-current" data-type="active">Active</button><button class="b-tabs__item" data-type="expired">Expired</button><button class="b-tabs__item" data-type="all">All</button></div><div class="b-users"></div><button class="g-btn m-border b-users__more">Load more</button>';
      const list = app.querySelector(".b-users");
      const more = app.querySelector(".b-users__more");
      async function load() {
        const users = await api("/subscriptions/subscribers?limit=30&offset=" + offset + "&type=" + type);
        list.insertAdjacentHTML("beforeend", users.map((u) => '<div class="b-users__item" data-user-id="' + u.id + '"><span class="g-avatar">' + esc(u.name[0]) + '</span><div class="b-users__item__info"><b class="b-username">' + esc(u.name) + '</b><span class="g-user-username">@' + esc(u.username) + '</span></div>' +
          '<div class="b-users__item__sub"><span class="b-users__item__status m-' + u.subscribedOnData.status + '">' + esc(u.subscribedOnData.status) + '</span><span>since ' + esc(u.subscribedOnData.subscribeAt.slice(0, 10)) + '</span></div><div class="b-users__item__total">' + usd(u.subscribedOnData.totalSumm) + '</div><a class="g-btn m-rounded m-sm" href="/my/chats/' + u.id + '">Message</a></div>').join(""));
        offset += users.length;
        more.hidden = users.length < 30;
      }
      app.querySelectorAll(".b-tabs__item").forEach((tab) => tab.addEventListener("click", async () => {
        app.querySelectorAll(".b-tabs__item").forEach((t) => t.classList.remove("m-current"));
        tab.classList.add("m-current"); type = tab.dataset.type; offset = 0; list.innerHTML = ""; await load();
      }));
      more.addEventListener("click", load);
      await load();
    },

    async statements() {
      const [chart, tx] = await Promise.all([api("/earnings/chart?days=30"), api("/payouts/transactions?limit=30")]);
      app.innerHTML = '<h2 class="g-page-title">Statements</h2><div class="b-statements__summary">' +
        [["Subscriptions", chart.total.subscription], ["Tips", chart.total.tip], ["Messages", chart.total.ppv], ["Total", chart.total.total]].map(([k, v]) =>
          '<div class="b-statements__summary__item"><span>' + k + '</span><b class="b-statements__amount">' + usd(v) + "</b></div>").join("") +
        '</div><div class="b-statements__cols"><div class="b-payouts"><h3>Earnings</h3>' + tx.list.map((t) =>
          '<div class="b-payouts__item m-' + t.type + '" data-id="' + t.id + '" data-message-id="' + (t.messageId || "") + '"><span class="b-payouts__item__date">' + when(t.createdAt) + '</span><span class="b-payouts__item__desc">' + esc(t.description) +
          '</span><span class="b-payouts__item__amount">' + usd(t.amount) + '</span><span class="b-payouts__item__net">net ' + usd(t.net) + "</span></div>").join("") +
        '</div><div class="b-chart"><h3>By day</h3>' + chart.list.map((d) => '<div class="b-chart__row"><span>' + d.date.slice(5) + '</span><span class="b-chart__bar" style="width:' +
          Math.min(100, d.total / Math.max(1, chart.total.total) * 600) + '%"></span><b>' + usd(d.total) + "</b></div>").join("") + "</div></div>";
    },

    async posts() {
      app.innerHTML = '<h2 class="g-page-title">Posts</h2><div class="b-make-post"><textarea class="b-make-post__text" rows="3" placeholder="Compose new post..."></textarea>' +
        '<div class="b-make-post__media"></div><div class="b-make-post__tools"><input type="datetime-local" class="b-make-post__schedule"><button type="button" class="g-btn m-rounded b-make-post__submit">Post</button></div><div class="b-make-post__error" hidden></div></div><div class="b-feed"></div>';
      app.querySelector(".b-make-post__media").innerHTML = await vaultPicker();
      const feed = app.querySelector(".b-feed");
      async function load() {
        const data = await api("/posts?limit=20");
        feed.innerHTML = data.list.map((p) => '<div class="b-post" data-id="' + p.id + '"><div class="b-post__date">' + when(p.postedAt) + '</div><div class="b-post__text">' + esc(p.text) + "</div>" +
          p.media.map((m) => '<img class="b-post__media" src="' + esc(m.src) + '" alt="">').join("") + "</div>").join("");
      }
      app.querySelector(".b-make-post__submit").addEventListener("click", async () => {
        const when = app.querySelector(".b-make-post__schedule").value;
        const error = app.querySelector(".b-make-post__error");
        try {
          await api("/posts", { json: { text: app.querySelector(".b-make-post__text").value, mediaFiles: picked(), scheduledDate: when ? when + ":00Z" : null } });
          app.querySelector(".b-make-post__text").value = ""; error.hidden = true; await load();
        } catch (e) { error.textContent = e.message; error.hidden = false; }
      });
      await load();
    },

    async vault() {
      app.innerHTML = '<h2 class="g-page-title">Vault</h2><div class="b-vault__upload"><input type="file" class="b-vault__file" accept="image/*,video/*"><button type="button" class="g-btn m-rounded b-vault__submit">Upload</button></div><div class="b-vault"></div>';
      async function load() {
        const data = await api("/vault/media?limit=100");
        app.querySelector(".b-vault").innerHTML = data.list.map((m) => '<div class="b-vault__item" data-id="' + m.id + '"><img src="' + esc(m.files.thumb.url) + '" alt=""><span>' + esc(m.name) + "</span></div>").join("");
      }
      app.querySelector(".b-vault__submit").addEventListener("click", async () => {
        const file = app.querySelector(".b-vault__file").files[0];
        if (!file) { return; }
        const form = new FormData(); form.append("file", file);
        await api("/vault/media", { method: "POST", body: form }); await load();
      });
      await load();
    },

    async mass() {
      app.innerHTML = '<h2 class="g-page-title">New mass message</h2><div class="b-make-post"><textarea class="b-mass__text" rows="3" placeholder="Message to all your active fans..."></textarea>' +
        '<div class="b-make-post__media"></div><div class="b-make-post__tools"><div class="b-chat__price"><span>$</span><input class="b-mass__price" type="number" min="0" step="0.01" placeholder="Price"></div>' +
        '<button type="button" class="g-btn m-rounded b-mass__submit">Send to all active fans</button></div><div class="b-mass__result"></div></div>';
      app.querySelector(".b-make-post__media").innerHTML = await vaultPicker();
      app.querySelector(".b-mass__submit").addEventListener("click", async () => {
        const result = app.querySelector(".b-mass__result");
        try {
          const sent = await api("/messages/queue", { json: { text: app.querySelector(".b-mass__text").value, price: Number(app.querySelector(".b-mass__price").value || 0), mediaFiles: picked(), userLists: ["fans"] } });
          result.className = "b-mass__result m-ok"; result.textContent = "Queued for " + sent.recipientsCount + " fans.";
        } catch (e) { result.className = "b-mass__result b-error"; result.textContent = e.message; }
      });
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

  (views[page] || views.chats)().then(() => { app.dataset.ready = "1"; }).catch((e) => fail(app, e));
})();
