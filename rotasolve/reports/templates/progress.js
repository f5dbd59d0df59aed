// The progress page: ask for the run's progress twice a second; when it ends, show its page.
(function () {
  var state = document.getElementById("state");
  if (!state) return;
  var url = state.getAttribute("data-progress");
  function cell(row, text, cls) { var td = row.insertCell(); td.textContent = text === null || text === undefined ? "" : text; if (cls) td.className = cls; }
  function show(p) {
    if (p.state !== "running") { window.location.replace(p.url); return; }
    document.getElementById("elapsed").textContent = p.elapsed;
    var body = document.getElementById("stages");
    body.textContent = "";
    p.stages.forEach(function (s) {
      var row = body.insertRow();
      cell(row, s.label); cell(row, s.what + " " + s.stage + "/" + s.stages); cell(row, s.tier);
      cell(row, s.incumbent, "num"); cell(row, s.bound, "num"); cell(row, s.gap === null ? "" : s.gap + "%", "num");
      cell(row, s.done ? "yes" : ""); cell(row, s.elapsed, "num");
    });
    document.getElementById("log").textContent = p.log.join("\n");
    setTimeout(poll, 500);
  }
  function poll() {
    fetch(url, {cache: "no-store"}).then(function (r) { return r.json(); }).then(show)
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
