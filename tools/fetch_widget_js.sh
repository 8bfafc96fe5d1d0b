#!/usr/bin/env bash
# Fetch the JavaScript the built book would otherwise load from CDNs, so that its pages
# work offline: the Jupyter widget renderer (@jupyter-widgets/html-manager's
# embed-amd.js with the chunks and fonts it loads at run time, and require.js) and
# MathJax. All come from the npm registry, pinned, and are checked against the
# integrity hashes the registry published for them (`npm view NAME@VER dist.integrity`).
#
# Result (gitignored): book/_vendor/widgets/ and book/_vendor/mathjax/. _config.yml
# copies book/_vendor to the root of the site (html_extra_path) and points
# nb_ipywidgets_js and mathjax_path there. Quiet and quick when already done.
# Usage: bash tools/fetch_widget_js.sh [--force]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest="$root/book/_vendor"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/gantutor/npm"

# name@version, the tarball `npm pack` writes, its sha512 integrity.
packages=(
  "@jupyter-widgets/html-manager@1.0.6 jupyter-widgets-html-manager-1.0.6.tgz sha512-+Mn+Ra8wyIHrYaUpfmf9A3dsLkt/NuwzPQN8sthdxBD35VV5cOJbpmgMhNR27n/rmP3mKyEe0PWCJrtZrXTXDQ=="
  "requirejs@2.3.7 requirejs-2.3.7.tgz sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw=="
  "mathjax@3.2.2 mathjax-3.2.2.tgz sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
)
# The stamp is this script's own hash: editing the script redoes the copy.
stamp_text=$(sha256sum "${BASH_SOURCE[0]}" | cut -d' ' -f1)

if [ "${1:-}" != "--force" ] && [ "$(cat "$dest/.complete" 2>/dev/null)" = "$stamp_text" ]; then
  exit 0
fi

say() { echo "fetch_widget_js: $*"; }
integrity_of() { printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache" "$work/out/widgets" "$work/out/mathjax"
for entry in "${packages[@]}"; do
  read -r spec tarball integrity <<<"$entry"
  if [ ! -f "$cache/$tarball" ] || [ "$(integrity_of "$cache/$tarball")" != "$integrity" ]; then
    command -v npm >/dev/null || {
      say "npm is needed to fetch $spec (apt-get install npm)" >&2
      exit 1
    }
    say "npm pack $spec"
    rm -f "$cache/$tarball"
    (cd "$cache" && npm pack --silent "$spec" >/dev/null)
  fi
  got=$(integrity_of "$cache/$tarball")
  if [ "$got" != "$integrity" ]; then
    say "$tarball has integrity $got, expected $integrity" >&2
    rm -f "$cache/$tarball"
    exit 1
  fi
  mkdir -p "$work/${tarball%.tgz}"
  tar -xzf "$cache/$tarball" -C "$work/${tarball%.tgz}"
done

# Widgets. embed-amd.js loads its webpack chunks ([id].embed.js) and the fonts of its
# bundled CSS at run time; source maps and the non-AMD bundles are left out.
hm="$work/jupyter-widgets-html-manager-1.0.6/package"
out="$work/out/widgets"
cp "$hm/dist/embed-amd.js" "$hm"/dist/*.embed.js "$hm"/dist/*.woff2 "$hm"/dist/*.woff \
  "$hm"/dist/*.ttf "$hm"/dist/*.eot "$hm"/dist/*.svg "$out/"
cp "$hm/LICENSE" "$out/LICENSE.html-manager"
cp "$hm/dist/embed.js.LICENSE.txt" "$out/"
cp "$work/requirejs-2.3.7/package/require.js" "$out/"
# By default the bundles look for those chunks and fonts next to the *page* (they derive
# their folder from AMD module names resolved against the page's URL), so on a page in
# book/part1/ they 404. This script, loaded before require.js, points them at the
# folder it is served from.
cat >"$out/widget-paths.js" <<'JS'
// Written by tools/fetch_widget_js.sh: the widget bundles' fonts and chunks live
// next to this file, wherever the page that loads it is.
(function () {
  var here = new URL(".", document.currentScript.src).href.slice(0, -1);
  window.__jupyter_widgets_assets_path__ = here + "/";
  window.require = {
    paths: { "@jupyter-widgets/html-manager/dist": here, "@jupyter-widgets": here },
  };
})();
JS

# MathJax: the component Sphinx uses by default, the TeX extensions it loads on demand
# and its fonts (found relative to the script).
mj="$work/mathjax-3.2.2/package"
out="$work/out/mathjax"
cp "$mj/es5/tex-mml-chtml.js" "$mj/LICENSE" "$out/"
mkdir -p "$out/input/tex" "$out/output/chtml/fonts"
cp -r "$mj/es5/input/tex/extensions" "$out/input/tex/"
cp -r "$mj/es5/output/chtml/fonts/woff-v2" "$out/output/chtml/fonts/"

printf '%s\n' "$stamp_text" >"$work/out/.complete"
rm -rf "$dest"
mv "$work/out" "$dest"
say "$(find "$dest" -type f | wc -l) files in ${dest#"$root"/} ($(du -sh "$dest" | cut -f1))"
