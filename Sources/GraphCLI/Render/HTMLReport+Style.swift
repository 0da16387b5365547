extension HTMLReport {
    /// The page's style sheet (allowed by its hash in the Content-Security-Policy).
    static let style = #"""
:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #ffffff; --panel: #f5f7fa; --accent: #b3261e; --link: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
p, li { max-width: 80em; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
.note { background: var(--panel); border-left: 3px solid var(--line); padding: 6px 10px; margin: 6px 0; }
.warning { border-left-color: var(--accent); }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 8px 0; }
nav.toc a { color: var(--link); text-decoration: none; }
.leak { border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 4px; padding: 10px 14px; margin: 10px 0; background: #fffafa; }
.leak h3 { margin: 0 0 6px; }
ol.path { margin: 4px 0; padding-left: 22px; }
ol.path li { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.label { word-break: break-all; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; }
th.sortable { cursor: pointer; user-select: none; }
th.sortable::after { content: " \2195"; color: var(--muted); }
th.sorted-asc::after { content: " \2191"; color: var(--fg); }
th.sorted-desc::after { content: " \2193"; color: var(--fg); }
input[type=search] { padding: 4px 8px; width: 320px; max-width: 100%; border: 1px solid var(--line); border-radius: 4px; }
select, button { font: inherit; padding: 2px 6px; }
.controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 6px 0; }
svg.spark { vertical-align: middle; }
#icicle-cells { position: relative; width: 100%; border: 1px solid var(--line); background: var(--panel); overflow: hidden; }
#icicle-cells .cell { position: absolute; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; font-size: 11.5px; line-height: 18px; height: 18px; padding: 0 3px; border-right: 1px solid #fff; border-bottom: 1px solid #fff; cursor: pointer; color: #111; }
#icicle-cells .cell:hover { outline: 1px solid #000; z-index: 1; }
#tooltip { position: fixed; pointer-events: none; background: #1d2330; color: #fff; padding: 6px 9px; border-radius: 4px; font-size: 12px; max-width: 520px; word-break: break-all; display: none; z-index: 10; }
.crumbs { font-size: 12.5px; margin: 4px 0; word-break: break-all; }
.crumbs a { color: var(--link); cursor: pointer; }
ul.tree { list-style: none; padding-left: 18px; margin: 2px 0; }
ul.tree > li { margin: 1px 0; }
.toggle { display: inline-block; width: 1.2em; cursor: pointer; color: var(--link); }
.obj { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; word-break: break-all; }
.root { color: var(--accent); font-weight: 600; }
.pill { display: inline-block; padding: 0 6px; border-radius: 9px; background: var(--panel); border: 1px solid var(--line); font-size: 12px; }
@media print {
  .controls, #tooltip, nav.toc, input, select, button { display: none !important; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  .leak, tr { break-inside: avoid; }
  #icicle-cells { border: none; }
}
"""#
}
