// A box that scrolls sideways (a wide table, a chart kept at a readable width on a phone) says so: it gets
// data-cue="more" (more to the right), "less" (more to the left) or "both", which assets/10-app.css draws as a
// faded edge and a "Scroll sideways →" line (the words are the shell's, app.py, in the page's language). A box
// that fits gets none. It is also made focusable, so a keyboard can scroll it.
(function () {
    var SELECTOR = '.table-responsive, .chart-figure, .scroll-cue';
    var pending = false;

    function cueText() {
        var main = document.getElementById('main');
        var lang = document.documentElement.lang === 'fr' ? 'fr' : 'en';
        return main ? (main.getAttribute('data-scroll-cue-' + lang) || '') : '';
    }

    function update(box) {
        var overflow = getComputedStyle(box).overflowX;
        var room = box.scrollWidth - box.clientWidth;
        if ((overflow !== 'auto' && overflow !== 'scroll') || room <= 2) {
            if (box.hasAttribute('data-cue')) { box.removeAttribute('data-cue'); }
            return;
        }
        var left = box.scrollLeft > 2, right = box.scrollLeft < room - 2;
        var cue = left && right ? 'both' : (right ? 'more' : 'less');
        if (box.getAttribute('data-cue') !== cue) { box.setAttribute('data-cue', cue); }
        var text = cueText();
        if (box.getAttribute('data-cue-text') !== text) { box.setAttribute('data-cue-text', text); }
        if (!box.hasAttribute('tabindex')) { box.setAttribute('tabindex', '0'); }
    }

    function all() {
        pending = false;
        var boxes = document.querySelectorAll(SELECTOR);
        for (var i = 0; i < boxes.length; i++) { update(boxes[i]); }
    }

    function soon() {
        if (!pending) { pending = true; window.setTimeout(all, 120); }
    }

    document.addEventListener('scroll', function (event) {
        var box = event.target;
        if (box && box.matches && box.matches(SELECTOR)) { update(box); }
    }, {capture: true, passive: true});
    window.addEventListener('resize', soon);
    document.addEventListener('toggle', soon, true);  // a data table opened in its <details>
    new MutationObserver(soon).observe(document.documentElement, {childList: true, subtree: true});
    soon();
}());
