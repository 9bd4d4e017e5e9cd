/* The app's page, while it boots: start loading what the first drawing needs at once instead of
   when the first widget asks for it. Served by Solara as /static/assets/custom.js.
   - ECharts (minified), through the same loader and address the charts use
     (webapp/components/echarts.py);
   - the template compiler (jupyter-vue's nodeps-vue-sfc.js, asked for when the first template
     widget arrives), as a preload the later request finds in the browser's cache. The app's own
     templates come compiled (webapp/components/compiled.py); Solara's router and page title are
     templates it compiles in the page. */
window.addEventListener("DOMContentLoaded", function () {
  if (window.requirejs && window.solara && window.solara.cdn) {
    window.requirejs([window.solara.cdn + "/echarts@5.4.0/dist/echarts.min.js"], function () {}, function () {});
  }
  if (window.solara && typeof window.solara.jupyterRootPath === "string") {
    var link = document.createElement("link");
    link.rel = "preload";
    link.as = "script";
    link.href = window.solara.jupyterRootPath + "/nbextensions/jupyter-vue/nodeps-vue-sfc.js";
    document.head.appendChild(link);
  }
});
