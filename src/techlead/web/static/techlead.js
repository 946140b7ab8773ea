// Render every chart on the page (and in content htmx swaps in) with vega-embed, as SVG.
(function () {
  function render(root) {
    root.querySelectorAll(".chart-view[data-spec]").forEach(function (view) {
      if (view.dataset.rendered) return;
      var source = document.getElementById(view.dataset.spec);
      if (!source || typeof vegaEmbed === "undefined") return;
      view.dataset.rendered = "1";
      vegaEmbed(view, JSON.parse(source.textContent), {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
      }).catch(function (error) {
        view.textContent = "chart could not be drawn: " + error.message;
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function (event) { render(event.target); });
})();
