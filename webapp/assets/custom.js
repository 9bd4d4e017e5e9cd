/* The app's page, while it boots: start loading ECharts (minified) at once instead of when the
   first chart asks for it, through the same loader and address the charts use
   (webapp/components/echarts.py). Served by Solara as /static/assets/custom.js. */
window.addEventListener("DOMContentLoaded", function () {
  if (window.requirejs && window.solara && window.solara.cdn) {
    window.requirejs([window.solara.cdn + "/echarts@5.4.0/dist/echarts.min.js"], function () {}, function () {});
  }
});
