// plotly.js with only what the dashboard draws: the core (which always holds the scatter trace, the
// cartesian axes, legend, hover, annotations, shapes, colorbars, the modebar and image export) plus bar and
// heatmap. A figure in dashboard/figures/ that uses another trace type must be added here (and to
// figures.base.TRACE_TYPES); tests/test_plotly_bundle.py checks the two agree.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
]);

module.exports = Plotly;
