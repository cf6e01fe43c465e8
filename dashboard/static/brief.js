// Draws each briefing figure from its JSON script tag, then marks the page ready for printing.
(function () {
    var plots = Array.prototype.slice.call(document.querySelectorAll('.plot[data-figure]'));
    var drawn = plots.map(function (el) {
        var spec = JSON.parse(document.getElementById(el.dataset.figure).textContent);
        return window.Plotly.newPlot(el, spec.figure.data, spec.figure.layout, spec.config);
    });
    Promise.all(drawn).then(function () { document.body.dataset.ready = '1'; },
                            function () { document.body.dataset.ready = 'error'; });
}());
