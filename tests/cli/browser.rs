//! Drives the system's Chromium over the DevTools protocol (with `headless_chrome`) through a
//! site written by `kz site`, and reports what it saw as JSON for `site.rs` to check.
//!
//! Pages are loaded from file://, as a reader who opens index.html would. Every console error
//! or warning, uncaught exception, failed load and request for anything outside the site is
//! recorded; requests outside the site are refused, never sent. It follows a fact's evidence
//! link to its marked sentence, searches for Serdyukov with the search box and follows the
//! first result, and takes screenshots at 1280 and 390 pixels wide, counting the colours of
//! each so that a blank one shows. Chromium is Debian's, found on PATH; nothing is downloaded.

use anyhow::Context as _;
use headless_chrome::browser::tab::{RequestPausedDecision, Tab};
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Emulation, Fetch, Input, Log, Network, Page, Runtime};
use headless_chrome::{Browser, LaunchOptions};
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The flags Chromium needs on this machine and in CI: no sandbox (root), no GPU, and nothing
/// that reaches the network on its own.
const FLAGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The file:// URL of a page of the site.
fn url(site: &Path, rel: &str) -> String {
    format!("file://{}/{rel}", site.display())
}

/// What went wrong on one page, as the events of its tab report it.
type Problems = Arc<Mutex<Vec<String>>>;

/// A new tab that records its problems and refuses every request outside the site.
fn tab(browser: &Browser, outside: &Problems) -> anyhow::Result<(Arc<Tab>, Problems)> {
    let tab = browser.new_tab()?;
    let problems: Problems = Arc::default();
    let seen = problems.clone();
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let problem = match event {
            Event::RuntimeConsoleAPICalled(e)
                if matches!(
                    e.params.Type,
                    Runtime::ConsoleAPICalledEventTypeOption::Error
                        | Runtime::ConsoleAPICalledEventTypeOption::Warning
                ) =>
            {
                let args: Vec<String> = e
                    .params
                    .args
                    .iter()
                    .map(|a| a.value.as_ref().map(Value::to_string).unwrap_or_default())
                    .collect();
                Some(format!("console {:?}: {}", e.params.Type, args.join(" ")))
            }
            Event::RuntimeExceptionThrown(e) => Some(format!(
                "page error: {}",
                e.params
                    .exception_details
                    .exception
                    .as_ref()
                    .and_then(|x| x.description.clone())
                    .unwrap_or_else(|| e.params.exception_details.text.clone())
            )),
            Event::LogEntryAdded(e)
                if matches!(
                    e.params.entry.level,
                    Log::LogEntryLevel::Error | Log::LogEntryLevel::Warning
                ) =>
            {
                Some(format!(
                    "log {:?}: {} {}",
                    e.params.entry.level,
                    e.params.entry.text,
                    e.params.entry.url.clone().unwrap_or_default()
                ))
            }
            Event::NetworkLoadingFailed(e) => Some(format!(
                "request failed: {} {}",
                e.params.request_id, e.params.error_text
            )),
            _ => None,
        };
        if let Some(p) = problem {
            seen.lock().unwrap().push(p);
        }
    }))?;
    tab.enable_runtime()?;
    tab.enable_log()?;
    tab.call_method(Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })?;
    let pattern = Fetch::RequestPattern {
        url_pattern: Some("*".into()),
        resource_Type: None,
        request_stage: None,
    };
    tab.enable_fetch(Some(&[pattern]), None)?;
    let outside = outside.clone();
    tab.enable_request_interception(Arc::new(
        move |_transport, _session, paused: Fetch::events::RequestPausedEvent| {
            let url = paused.params.request.url;
            if ["file:", "data:", "about:"]
                .iter()
                .any(|s| url.starts_with(s))
            {
                RequestPausedDecision::Continue(None)
            } else {
                outside.lock().unwrap().push(url);
                RequestPausedDecision::Fail(Fetch::FailRequest {
                    request_id: paused.params.request_id,
                    error_reason: Network::ErrorReason::BlockedByClient,
                })
            }
        },
    ))?;
    Ok((tab, problems))
}

/// Opens `rel` in a new tab: its URL, title, first heading and problems so far, and the tab.
fn open(
    browser: &Browser,
    site: &Path,
    rel: &str,
    outside: &Problems,
) -> anyhow::Result<(Arc<Tab>, Problems, Value)> {
    let (tab, problems) = tab(browser, outside)?;
    tab.navigate_to(&url(site, rel))
        .and_then(|t| t.wait_until_navigated())
        .with_context(|| format!("opening {rel}"))?;
    std::thread::sleep(Duration::from_millis(100));
    let page = json!({
        "url": tab.get_url(),
        "title": tab.get_title()?,
        "h1": eval(&tab, "document.querySelector('h1').textContent")?,
        "problems": *problems.lock().unwrap(),
    });
    Ok((tab, problems, page))
}

/// The value of a JavaScript expression (a promise is awaited).
fn eval(tab: &Tab, js: &str) -> anyhow::Result<Value> {
    Ok(tab.evaluate(js, true)?.value.unwrap_or(Value::Null))
}

/// Waits, up to five seconds, until a JavaScript condition holds; whether it did.
fn wait_for(tab: &Tab, condition: &str) -> anyhow::Result<bool> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if eval(tab, condition)? == Value::Bool(true) {
            return Ok(true);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(false)
}

/// Types `text` into the search box as a person would, replacing what it held: the box
/// focused, its text selected, then the new text inserted (one `input` event, as typing gives).
fn fill(tab: &Tab, selector: &str, text: &str) -> anyhow::Result<()> {
    eval(
        tab,
        &format!(
            "(() => {{ const q = document.querySelector({selector:?}); q.focus(); q.select(); }})()"
        ),
    )?;
    tab.call_method(Input::InsertText {
        text: text.to_string(),
    })?;
    Ok(())
}

/// The text of every search result link.
fn results(tab: &Tab) -> anyhow::Result<Value> {
    eval(
        tab,
        "JSON.stringify([...document.querySelectorAll('#results a')].map(a => a.textContent))",
    )
    .map(|v| serde_json::from_str(v.as_str().unwrap_or("[]")).unwrap_or_default())
}

/// Visits the site in `site` with Chromium at `chromium`, writing screenshots into `shots`.
pub fn visit(chromium: &Path, site: &Path, shots: &Path) -> anyhow::Result<Value> {
    let started = Instant::now();
    let profile = tempfile::tempdir()?;
    let flags: Vec<&OsStr> = FLAGS.iter().map(OsStr::new).collect();
    let browser = Browser::new(
        LaunchOptions::default_builder()
            .path(Some(chromium.to_path_buf()))
            .headless(true)
            .sandbox(false)
            .window_size(Some((1280, 900)))
            .user_data_dir(Some(profile.path().to_path_buf()))
            .args(flags)
            .idle_browser_timeout(Duration::from_secs(60))
            .build()?,
    )?;
    let outside: Problems = Arc::default();
    let mut pages = serde_json::Map::new();
    let (index, index_problems, page) = open(&browser, site, "index.html", &outside)?;
    pages.insert("index".into(), page);
    let (person, person_problems, page) =
        open(&browser, site, "records/andrey-serdyukov.html", &outside)?;
    pages.insert("person".into(), page);
    for (name, rel) in [
        ("event", "records/csto-troops-arrive.html"),
        ("article", "records/article.html"),
    ] {
        pages.insert(name.into(), open(&browser, site, rel, &outside)?.2);
    }

    // A fact's evidence link, clicked, lands on a marked, visible sentence.
    // Input goes to the tab in front, as it would for a reader.
    person.bring_to_front()?;
    let href = eval(
        &person,
        "document.querySelector('a.cite').getAttribute('href')",
    )?;
    person
        .find_element("a.cite")
        .and_then(|e| e.click().map(|_| ()))
        .context("clicking an evidence link")?;
    wait_for(&person, r"/article\.html#s-\d+$/.test(location.href)")?;
    // The new page scrolls to its target once laid out.
    wait_for(
        &person,
        "(() => { const t = document.querySelector(':target'); const r = t && t.getBoundingClientRect(); \
         return !!r && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight; })()",
    )?;
    let mut evidence: Value = serde_json::from_str(
        eval(
            &person,
            "JSON.stringify((() => {
                const t = document.querySelector(':target');
                const r = t && t.getBoundingClientRect();
                return {
                    url: location.href,
                    target: t ? t.tagName.toLowerCase() : null,
                    text: t ? t.textContent : null,
                    visible: !!r && r.height > 0 && r.bottom > 0 && r.top < window.innerHeight,
                };
            })())",
        )?
        .as_str()
        .unwrap_or("{}"),
    )?;
    evidence["href"] = href;
    evidence["problems"] = json!(*person_problems.lock().unwrap());

    // The search box finds Serdyukov by an alias in another script (with a letter that
    // decomposes, й), then by his name, and its first result opens his page.
    index.bring_to_front()?;
    fill(&index, "#q", "Андрей Сердюков")?;
    wait_for(&index, "document.querySelector('#results a') !== null")?;
    let cyrillic = results(&index)?;
    fill(&index, "#q", "Serdyukov")?;
    wait_for(
        &index,
        "[...document.querySelectorAll('#results a')].some(a => a.textContent.includes('Serdyukov'))",
    )?;
    let found = results(&index)?;
    index
        .find_element("#results a")
        .and_then(|e| e.click().map(|_| ()))
        .context("clicking the first search result")?;
    wait_for(&index, r"/andrey-serdyukov\.html$/.test(location.href)")?;
    let search = json!({
        "results": found,
        "cyrillic": cyrillic,
        "url": index.get_url(),
        "h1": eval(&index, "document.querySelector('h1').textContent")?,
        "problems": *index_problems.lock().unwrap(),
    });

    // Screenshots of the index and of Serdyukov's page, wide and narrow.
    std::fs::create_dir_all(shots)?;
    let (counter, _) = tab(&browser, &outside)?;
    let mut screenshots = Vec::new();
    for (name, rel) in [
        ("index", "index.html"),
        ("serdyukov", "records/andrey-serdyukov.html"),
        ("csto", "records/csto.html"),
        ("article", "records/article.html"),
    ] {
        for width in [1280u32, 390] {
            let (page, _) = tab(&browser, &outside)?;
            page.call_method(Emulation::SetDeviceMetricsOverride {
                width,
                height: 900,
                device_scale_factor: 1.0,
                mobile: false,
                scale: None,
                screen_width: None,
                screen_height: None,
                position_x: None,
                position_y: None,
                dont_set_visible_size: None,
                screen_orientation: None,
                viewport: None,
                display_feature: None,
                device_posture: None,
            })?;
            page.navigate_to(&url(site, rel))
                .and_then(|t| t.wait_until_navigated())
                .with_context(|| format!("opening {rel} at {width} pixels"))?;
            let png = page.capture_screenshot(
                Page::CaptureScreenshotFormatOption::Png,
                None,
                None,
                true,
            )?;
            let file = shots.join(format!("{name}-{width}.png"));
            std::fs::write(&file, &png)?;
            let scroll_width = eval(&page, "document.documentElement.scrollWidth")?;
            let client_width = eval(&page, "document.documentElement.clientWidth")?;
            let mut layout = serde_json::Map::new();
            for (check, js) in LAYOUT {
                let found = eval(&page, &format!("JSON.stringify({js})"))?;
                let found: Value = serde_json::from_str(found.as_str().unwrap_or("null"))?;
                layout.insert((*check).into(), found);
            }
            page.close(false)?;
            let colours = colours(&counter, &png)?;
            screenshots.push(json!({
                "name": name,
                "width": width,
                "file": file,
                "scrollWidth": scroll_width,
                "clientWidth": client_width,
                "layout": layout,
                "image": colours,
            }));
        }
    }
    let outside = outside.lock().unwrap().clone();
    Ok(json!({
        "pages": pages,
        "evidence": evidence,
        "search": search,
        "screenshots": screenshots,
        "outside": outside,
        "ms": started.elapsed().as_millis() as u64,
    }))
}

/// What a reader would see wrong on a page, each as what it finds (an empty list is right):
/// something wider than the window, a picture's label outside its picture, a record box's text
/// outside its box, relation labels over each other, timeline marks out of date order, a
/// picture wider than the page.
const LAYOUT: [(&str, &str); 6] = [
    (
        "overflow",
        "(() => { const w = document.documentElement.clientWidth; const out = []; for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect(); if (r.width > 0 && r.right > w + 0.5 && window.getComputedStyle(e).position !== 'fixed') out.push(e.tagName + ' ends at ' + Math.round(r.right)); } return out.slice(0, 10); })()",
    ),
    (
        "labels_outside_pictures",
        "[...document.querySelectorAll('svg')].flatMap(svg => { const b = svg.getBoundingClientRect(); return [...svg.querySelectorAll('text')].filter(t => { const r = t.getBoundingClientRect(); return r.width > 0 && (r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5); }).map(t => t.textContent.trim()); })",
    ),
    (
        "labels_outside_boxes",
        "[...document.querySelectorAll('svg g.node, svg g.more, svg g.focus')].flatMap(g => { const rect = g.querySelector('rect'); if (!rect) return []; const r = rect.getBoundingClientRect(); return [...g.querySelectorAll('text')].filter(t => { const b = t.getBoundingClientRect(); return b.left < r.left - 0.5 || b.right > r.right + 0.5 || b.top < r.top - 0.5 || b.bottom > r.bottom + 0.5; }).map(t => t.textContent.trim()); })",
    ),
    (
        "relation_labels_overlap",
        "(() => { const ls = [...document.querySelectorAll('svg text.relation')].map(t => [t.textContent.trim(), t.getBoundingClientRect()]); const out = []; ls.forEach(([a, r], i) => ls.slice(i + 1).forEach(([b, q]) => { if (r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom) out.push(a + ' / ' + b); })); return out; })()",
    ),
    (
        "timeline_out_of_order",
        "(() => { const ms = [...document.querySelectorAll('svg g.mark')].map(m => m.querySelector('circle, rect').getBoundingClientRect()); const out = []; ms.forEach((r, i) => { if (i > 0) { const p = ms[i - 1]; const py = p.top + p.height / 2, y = r.top + r.height / 2; if (y < py - 0.5 || (Math.abs(y - py) <= 0.5 && r.left <= p.left)) out.push('mark ' + i + ' is above or left of mark ' + (i - 1)); } }); return out; })()",
    ),
    (
        "pictures_wider_than_the_page",
        "[...document.querySelectorAll('figure.picture svg')].filter(s => s.getBoundingClientRect().width > document.documentElement.clientWidth).map(s => { const t = s.querySelector('title'); return t ? t.textContent : 'a picture'; })",
    ),
];

/// A PNG's size and how many colours every seventh pixel holds, decoded by the browser.
fn colours(counter: &Tab, png: &[u8]) -> anyhow::Result<Value> {
    let b64 = base64(png);
    let js = format!(
        "(async () => {{
            const img = new Image();
            img.src = 'data:image/png;base64,{b64}';
            await img.decode();
            const c = document.createElement('canvas');
            c.width = img.width;
            c.height = img.height;
            const g = c.getContext('2d');
            g.drawImage(img, 0, 0);
            const d = g.getImageData(0, 0, c.width, c.height).data;
            const seen = new Set();
            for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
            return JSON.stringify({{ width: img.width, height: img.height, colours: seen.size }});
        }})()"
    );
    Ok(serde_json::from_str(
        eval(counter, &js)?.as_str().unwrap_or("{}"),
    )?)
}

/// Standard base64 with padding, to hand the browser a PNG as a data: URL.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn base64_is_standard() {
    for (bytes, text) in [
        (&b""[..], ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg=="),
        (b"\xff\xfe\xfd", "//79"),
    ] {
        assert_eq!(base64(bytes), text);
    }
}
