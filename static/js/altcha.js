/* The ALTCHA widget's glue (templates/_proof_of_work.html).

   The widget's external build, the one that keeps to our Content-Security-Policy,
   bundles no worker: this registers the SHA-256 worker from its fingerprinted
   address on the page. A form sent while the answer is still being worked out
   (a second at most) waits for it; a page left open until its challenge expires
   (clinic/altcha_challenge.py) solves a fresh one. Runs after the widget's script:
   both are modules, run in order. */
for (const widget of document.querySelectorAll("altcha-widget[data-worker]")) {
  globalThis.$altcha.algorithms.set("SHA-256", () => new Worker(widget.dataset.worker));
  widget.addEventListener("expired", () => widget.verify());
  widget.closest("form").addEventListener("submit", (event) => {
    if (widget.getState() === "verifying") {
      event.preventDefault();
      widget.addEventListener("statechange", () => event.target.requestSubmit(event.submitter), { once: true });
    }
  });
}
