// Plotly's mode bar (zoom, pan, box and lasso select, reset) is for the mouse: its buttons are taken out of the
// keyboard's tab order. Plotly has no setting for that, so every button it draws (it redraws them on relayout)
// gets tabindex="-1" as soon as it is added. The chart card's own CSV, PNG and SVG buttons and the links in its
// data table serve the keyboard.
(function () {
    function untab() {
        var buttons = document.querySelectorAll('.modebar-btn:not([tabindex="-1"])');
        for (var i = 0; i < buttons.length; i++) { buttons[i].setAttribute('tabindex', '-1'); }
    }
    new MutationObserver(untab).observe(document.documentElement, {childList: true, subtree: true});
    untab();
}());
