// The page's only script, inlined at build time: the steps/epochs switch of the charts' x axis
// and the sample-grid sliders (optionally moved together, to the nearest step of each run). It
// reads the grids from the JSON block #grid-data. Plain browser JavaScript in a string, no
// dependencies. Imports nothing.

export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var body = document.body;
  document.querySelectorAll('input[name="axis"]').forEach(function (input) {
    input.addEventListener('change', function () {
      if (input.checked) body.classList.toggle('axis-epochs', input.value === 'epochs');
    });
  });
  var block = document.getElementById('grid-data');
  if (!block) return;
  var runs = JSON.parse(block.textContent || '[]');
  var sliders = Array.prototype.slice.call(document.querySelectorAll('input.grid-slider'));
  var sync = document.getElementById('sync-sliders');
  function show(slider) {
    var grids = runs[Number(slider.dataset.runIndex)];
    var item = grids && grids[Number(slider.value)];
    if (!item) return;
    var figure = slider.closest('figure');
    var img = figure.querySelector('img.grid');
    img.src = item.src;
    img.dataset.step = String(item.step);
    figure.querySelector('output.grid-step').textContent = item.text;
  }
  function nearest(grids, step) {
    var best = 0;
    for (var i = 0; i < grids.length; i++) {
      if (Math.abs(grids[i].step - step) < Math.abs(grids[best].step - step)) best = i;
    }
    return best;
  }
  sliders.forEach(function (slider) {
    slider.addEventListener('input', function () {
      show(slider);
      if (!sync || !sync.checked) return;
      var step = runs[Number(slider.dataset.runIndex)][Number(slider.value)].step;
      sliders.forEach(function (other) {
        if (other === slider) return;
        var grids = runs[Number(other.dataset.runIndex)];
        if (!grids || grids.length === 0) return;
        other.value = String(nearest(grids, step));
        show(other);
      });
    });
  });
})();
`;
