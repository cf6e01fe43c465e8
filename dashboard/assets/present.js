// Presentation mode keys: Space or K pause/play, Left/Right arrows step, L switches English/French.
// Each key clicks the matching control, whose callback writes the new state into the URL.
(function () {
    var KEYS = {' ': 'present-pause', 'k': 'present-pause', 'K': 'present-pause',
                'ArrowRight': 'present-next', 'ArrowLeft': 'present-prev', 'l': 'present-lang', 'L': 'present-lang'};
    document.addEventListener('keydown', function (event) {
        if (!document.querySelector('.present-mode') || event.ctrlKey || event.metaKey || event.altKey) { return; }
        var target = event.target;
        if (target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable)) { return; }
        var button = KEYS[event.key] && document.getElementById(KEYS[event.key]);
        if (!button) { return; }
        event.preventDefault();
        if (document.activeElement && document.activeElement.blur) { document.activeElement.blur(); }
        button.click();
    });
}());
