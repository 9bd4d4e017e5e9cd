/* The app's page, while it boots: start loading ECharts (minified) at once, through the same
   loader and address the charts use (webapp/components/echarts.py), so the first chart finds it
   loaded instead of asking for it when it is mounted. Served by Solara as /static/assets/custom.js. */
window.addEventListener("DOMContentLoaded", function () {
  if (window.requirejs && window.solara && window.solara.cdn) {
    window.requirejs([window.solara.cdn + "/echarts@5.4.0/dist/echarts.min.js"], function () {}, function () {});
  }
});
