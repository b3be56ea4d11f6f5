// WS /api/live for the inbox: hello with an empty token (the socket takes the session cookie of
// the upgrade request, so the token never reaches the page) and the last seq seen; the server
// replays what was missed, then streams. A dropped socket is reopened with backoff, and
// `onstate` tells the page when to show its "reconnecting…" banner.

const MAX_DELAY_MS = 15000;

export function connectLive({ onevent, onready, onresync, onstate, onauthfailed }) {
  let since = 0;
  let attempt = 0;
  let socket = null;
  let timer = null;
  let stopped = false;

  function open() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${location.host}/api/live`);
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "hello", token: "", since }));
    });
    socket.addEventListener("message", (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (frame.type === "ready") {
        attempt = 0;
        since = Math.max(since, frame.seq || 0);
        onstate("live");
        onready();
      } else if (frame.type === "resync") {
        since = 0; // the lists are reloaded; `ready` says from which seq the stream goes on
        onresync();
      } else if (frame.type === "ping") {
        // keep-alive; nothing to do
      } else if (typeof frame.seq === "number") {
        since = Math.max(since, frame.seq);
        onevent(frame);
      }
    });
    socket.addEventListener("close", (event) => {
      socket = null;
      if (stopped) return;
      if (event.code === 4401) {
        onauthfailed();
        return;
      }
      onstate("reconnecting");
      const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);
      attempt += 1;
      timer = setTimeout(open, delay);
    });
  }

  open();
  return {
    close() {
      stopped = true;
      clearTimeout(timer);
      if (socket) socket.close();
    },
    drop() {
      // for the tests and the network's whims alike: the socket goes, the reconnect follows
      if (socket) socket.close(4000, "dropped");
    },
  };
}
