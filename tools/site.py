#!/usr/bin/env python3
"""The static site of the executed notebooks (docs/notebooks/): pages with their inline figures and tables, an index.

  tools/site.py build EXECUTED_DIR [NOTEBOOK ...]   render executed notebooks into docs/notebooks/ and rewrite the index
  tools/site.py check [--notebooks DIR] [--site DIR] fail when a notebook's source cells differ from its page's

Each page stores the SHA-256 of its notebook's source cells (cell type and source, not outputs or metadata) in a
<meta name="ark4j-source-sha256"> tag, so `check` finds a page that was not rebuilt after an edit without executing
anything. A notebook's index line comes from its metadata: "ark4j": {"reproduces": "...", "reports": ["fgsm-mnist"]};
its thumbnail is the first image of the cell tagged "key-figure", else its first image.
Needs nbconvert (the project's Jupyter environment: tools/lab.sh --setup).
"""
import base64
import hashlib
import html
import json
import os
import re
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOKS = os.path.join(ROOT, "notebooks")
SITE = os.path.join(ROOT, "docs", "notebooks")
META = "ark4j-source-sha256"


def source_hash(nb):
    """SHA-256 of the notebook's cells as (type, source) pairs: what a reader edits, not what a run writes."""
    cells = [[c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"]] for c in nb["cells"]]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def page_hash(page):
    with open(page, encoding="utf-8") as f:
        text = f.read()
    marker = '<meta name="%s" content="' % META
    at = text.find(marker)
    if at < 0:
        return None
    start = at + len(marker)
    return text[start:text.index('"', start)]


def write_atomically(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix="." + os.path.basename(path) + ".")
    with os.fdopen(fd, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def key_figure(nb):
    """The PNG (bytes) of the notebook's key figure: the first image of a cell tagged key-figure, else the largest
    image (a chart or an image grid rather than a single small digit)."""
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    tagged = [c for c in cells if "key-figure" in c.get("metadata", {}).get("tags", [])]
    images = [[base64.b64decode("".join(png) if isinstance(png, list) else png)
               for o in c.get("outputs", []) for png in [o.get("data", {}).get("image/png")] if png] for c in tagged + cells]
    if tagged and images[0]:
        return images[0][0]
    every = [png for cell in images for png in cell]
    return max(every, key=len) if every else None


STYLE = "notebook.css"


def with_shared_style(page):
    """The page with the template's style sheets (the same ~260 KB in every page) moved into one shared file."""
    head_end = page.index("</head>")
    blocks = re.findall(r"<style[^>]*>(.*?)</style>", page[:head_end], re.S)
    css = "\n".join(b.strip() for b in blocks) + "\n"
    target = os.path.join(SITE, STYLE)
    if os.path.isfile(target):
        with open(target, encoding="utf-8") as f:
            if f.read() != css:
                sys.exit(f"site.py build: nbconvert's style differs from {target}'s: rebuild every page (tools/build-site.sh)")
    else:
        write_atomically(target, css)
    head = re.sub(r"<style[^>]*>.*?</style>\s*", "", page[:head_end], flags=re.S)
    return head + '<link rel="stylesheet" href="%s">\n' % STYLE + page[head_end:]


def without_machine_paths(text):
    """The page as a reader should see it: the building machine's data folder, checkout and home folder by name."""
    data = os.environ.get("ARK4J_DATA")
    for path, name in ((os.path.realpath(data) if data else None, "&lt;data folder&gt;"), (data, "&lt;data folder&gt;"),
                       (ROOT, "&lt;repository&gt;"), (os.path.expanduser("~") + "/", "~/")):
        if path and len(path) > 2:
            text = text.replace(path, name)
    return text


def title(nb):
    first = "".join(nb["cells"][0]["source"]).strip().splitlines()[0]
    return first.lstrip("#").strip()


def build(executed_dir, names):
    from nbconvert import HTMLExporter
    import nbformat
    exporter = HTMLExporter(template_name="lab")
    sources = sorted(f for f in os.listdir(NOTEBOOKS) if f.endswith(".ipynb"))
    for name in names or sources:
        name = os.path.basename(name)
        executed = os.path.join(executed_dir, name)
        if not os.path.isfile(executed):
            sys.exit(f"site.py build: no executed notebook {executed} (run tools/run-notebooks.sh first)")
        with open(os.path.join(NOTEBOOKS, name), encoding="utf-8") as f:
            source = json.load(f)
        nb = nbformat.read(executed, as_version=4)
        if source_hash(nb) != source_hash(source):
            sys.exit(f"site.py build: {executed} was executed from other sources than notebooks/{name}: execute it again")
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title(nb)}})
        body = with_shared_style(without_machine_paths(body))
        meta = '<meta name="%s" content="%s">' % (META, source_hash(source))
        body = body.replace("<head>", "<head>\n" + meta, 1)
        stem = name[:-len(".ipynb")]
        write_atomically(os.path.join(SITE, stem + ".html"), body)
        png = key_figure(nb)
        if png:
            write_atomically(os.path.join(SITE, "img", stem + ".png"), png)
        print(f"site: docs/notebooks/{stem}.html")
    index(sources)


def index(sources):
    rows_html, rows_md = [], []
    for name in sources:
        with open(os.path.join(NOTEBOOKS, name), encoding="utf-8") as f:
            nb = json.load(f)
        stem = name[:-len(".ipynb")]
        if not os.path.isfile(os.path.join(SITE, stem + ".html")):
            continue
        info = nb["metadata"].get("ark4j", {})
        what = info.get("reproduces", "")
        reports = info.get("reports", [])
        img = "img/%s.png" % stem
        has_img = os.path.isfile(os.path.join(SITE, img))
        links_html = ", ".join('<a href="../../results/full/%s/report.md">%s</a>' % (r, r) for r in reports)
        links_md = ", ".join("[%s](../../results/full/%s/report.md)" % (r, r) for r in reports)
        rows_html.append(
            "<tr><td>%s</td><td><a href=\"%s.html\">%s</a><br>%s</td><td>%s</td></tr>"
            % ('<a href="%s.html"><img src="%s" alt="key figure of %s" width="180"></a>' % (stem, img, stem) if has_img else "",
               stem, html.escape(title(nb)), html.escape(what), links_html or "&mdash;"))
        rows_md.append("| %s | [%s](%s.html) ([notebook](../../notebooks/%s)) — %s | %s |"
                       % ('<img src="%s" alt="key figure" width="180">' % img if has_img else "", title(nb), stem, name, what,
                          links_md or "—"))
    intro = ("The notebooks executed on the quick profile (the embedded MNIST subset and the first 10,000 CIFAR-10 images, "
             "a few epochs; see the README), with their figures and tables. The reports compare the full profile with the "
             "papers (<a href=\"../papers.md\">docs/papers.md</a>). Rebuild with <code>tools/build-site.sh</code>.")
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ark4j notebooks</title>\n"
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td{vertical-align:top;padding:.5em}"
            "img{border:1px solid #ccc}</style></head><body>\n<h1>ark4j notebooks</h1>\n<p>%s</p>\n"
            "<table><tr><th>key figure</th><th>notebook</th><th>paper vs ours (full profile)</th></tr>\n%s\n</table>\n"
            "</body></html>\n" % (intro, "\n".join(rows_html)))
    write_atomically(os.path.join(SITE, "index.html"), page)
    md = ("# ark4j notebooks, executed\n\n%s\n\n| key figure | notebook | paper vs ours (full profile) |\n|---|---|---|\n%s\n"
          % (intro.replace("<code>", "`").replace("</code>", "`").replace("<a href=\"../papers.md\">docs/papers.md</a>", "[docs/papers.md](../papers.md)"), "\n".join(rows_md)))
    write_atomically(os.path.join(SITE, "README.md"), md)


def check(notebooks, site):
    stale = []
    for name in sorted(f for f in os.listdir(notebooks) if f.endswith(".ipynb")):
        with open(os.path.join(notebooks, name), encoding="utf-8") as f:
            want = source_hash(json.load(f))
        page = os.path.join(site, name[:-len(".ipynb")] + ".html")
        got = page_hash(page) if os.path.isfile(page) else None
        if got != want:
            stale.append(f"{name}: " + ("no page " + page if got is None and not os.path.isfile(page)
                                        else "its page " + page + " was built from other source cells"))
    if stale:
        sys.exit("site.py check: pages to rebuild (tools/build-site.sh NOTEBOOK):\n  " + "\n  ".join(stale))
    print(f"site.py check: every notebook's page in {site} matches its source cells")


def main(argv):
    if len(argv) >= 2 and argv[0] == "build":
        build(argv[1], argv[2:])
    elif argv and argv[0] == "check":
        opts = dict(zip(argv[1::2], argv[2::2]))
        unknown = set(opts) - {"--notebooks", "--site"}
        if unknown or len(argv[1:]) % 2:
            sys.exit("usage: tools/site.py check [--notebooks DIR] [--site DIR]")
        check(opts.get("--notebooks", NOTEBOOKS), opts.get("--site", SITE))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
