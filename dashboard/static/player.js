// The offline player: plays window.OGDASH_SHOW (slides with English and French figures) on a timer.
// Keys: Space or K pause/play, Left/Right arrows step, L switches English/French. State lives in the URL hash.
(function () {
    var show = window.OGDASH_SHOW, count = show.slides.length, timer = null;
    var state = {slide: 1, lang: 'en', paused: false};
    var hash = new URLSearchParams(location.hash.slice(1));
    if (+hash.get('slide') >= 1 && +hash.get('slide') <= count) { state.slide = +hash.get('slide'); }
    if (hash.get('lang') === 'fr') { state.lang = 'fr'; }
    state.paused = hash.get('paused') === '1';
    function $(id) { return document.getElementById(id); }
    function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k]; }); }
    function draw() {
        var slide = show.slides[state.slide - 1][state.lang], ui = show.ui[state.lang];
        var root = document.querySelector('.present-mode');
        root.dataset.slide = String(state.slide); root.dataset.paused = state.paused ? '1' : '0';
        root.lang = state.lang; document.documentElement.lang = state.lang;
        document.title = show.title[state.lang];
        document.querySelector('.present-playlist').textContent = show.title[state.lang];
        $('present-counter').textContent = fill(ui.slide, {n: state.slide, count: count});
        $('present-title').textContent = slide.title;
        $('present-rule').textContent = slide.rule || '';
        $('present-sentence').textContent = slide.sentence;
        $('present-caption').textContent = slide.caption;
        $('present-prev').textContent = ui.previous; $('present-next').textContent = ui.next;
        $('present-pause').textContent = state.paused ? ui.play : ui.pause;
        $('present-lang').textContent = ui.other;
        $('present-status').textContent = state.paused ? ui.paused : fill(ui.next_in, {seconds: show.interval});
        $('present-provenance').textContent = fill(ui.offline, {name: show.playlist, date: show.date[state.lang],
                                                                snapshot: show.snapshot});
        window.Plotly.react($('present-graph'), slide.figure.data, slide.figure.layout, slide.config);
        history.replaceState(null, '', '#slide=' + state.slide + '&lang=' + state.lang + (state.paused ? '&paused=1' : ''));
        clearTimeout(timer);
        if (!state.paused) { timer = setTimeout(function () { go(1); }, show.interval * 1000); }
    }
    function go(delta) { state.slide = ((state.slide - 1 + delta) % count + count) % count + 1; draw(); }
    function pause() { state.paused = !state.paused; draw(); }
    function lang() { state.lang = state.lang === 'en' ? 'fr' : 'en'; draw(); }
    $('present-prev').onclick = function () { go(-1); };
    $('present-next').onclick = function () { go(1); };
    $('present-pause').onclick = pause;
    $('present-lang').onclick = lang;
    document.addEventListener('keydown', function (event) {
        if (event.ctrlKey || event.metaKey || event.altKey) { return; }
        var act = {' ': pause, 'k': pause, 'K': pause, 'ArrowRight': function () { go(1); },
                   'ArrowLeft': function () { go(-1); }, 'l': lang, 'L': lang}[event.key];
        if (act) { event.preventDefault(); act(); }
    });
    var params = new URLSearchParams(location.search);
    if (+params.get('interval') >= 1) { show.interval = +params.get('interval'); }
    draw();
}());
