#!/usr/bin/env bash
# Re-create src/casus/web/static/vendor/ from the npm registry: the Natural Earth country outlines
# of the `world-atlas` package and the small libraries that draw them, and Swagger UI (the API's
# page at /docs, `swagger-ui-dist`). The files are committed, so
# nothing is fetched at run time or at install time; run this only to update them.
#
#   bash src/casus/web/vendor.sh
#
# Pinned versions (change here, run, look at the map, commit the result):
set -euo pipefail
WORLD_ATLAS=2.0.2
TOPOJSON_CLIENT=3.1.0
D3_GEO=3.1.2
D3_ARRAY=3.2.5
SWAGGER_UI_DIST=5.35.0

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/static/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact \
  "world-atlas@$WORLD_ATLAS" "topojson-client@$TOPOJSON_CLIENT" \
  "d3-geo@$D3_GEO" "d3-array@$D3_ARRAY" "swagger-ui-dist@$SWAGGER_UI_DIST" >/dev/null
nm="$tmp/node_modules"

rm -rf "$out"
mkdir -p "$out/world-atlas" "$out/topojson-client" "$out/d3-geo" "$out/d3-array" "$out/swagger-ui"

# Natural Earth 1:110m admin-0 countries as TopoJSON; feature ids are ISO 3166-1 numeric codes.
cp "$nm/world-atlas/countries-110m.json" "$nm/world-atlas/LICENSE" "$out/world-atlas/"

# topojson-client ships no ES module bundle: its src/ folder is plain ES modules, used as is.
cp "$nm/topojson-client/src/"*.js "$nm/topojson-client/LICENSE" "$out/topojson-client/"

cp "$nm/d3-array/dist/d3-array.min.mjs" "$nm/d3-array/LICENSE" "$out/d3-array/"

# d3-geo imports the bare name "d3-array", which a browser cannot resolve without an import map
# (an inline script, which the pages' Content-Security-Policy forbids): point it at the file.
sed 's#from"d3-array"#from"../d3-array/d3-array.min.mjs"#' \
  "$nm/d3-geo/dist/d3-geo.min.mjs" >"$out/d3-geo/d3-geo.min.mjs"
cp "$nm/d3-geo/LICENSE" "$out/d3-geo/"
grep -q 'from"../d3-array/d3-array.min.mjs"' "$out/d3-geo/d3-geo.min.mjs"
if grep -q 'from"d3-array"' "$out/d3-geo/d3-geo.min.mjs"; then
  echo "vendor.sh: d3-geo still imports a bare d3-array" >&2
  exit 1
fi

# Swagger UI for /docs: the bundle (with its presets) and its stylesheet, as published; the page and
# the script that starts it are casus's own (no inline script: the Content-Security-Policy). No
# source maps: nothing asks for them, and they would double the size.
cp "$nm/swagger-ui-dist/swagger-ui-bundle.js" "$nm/swagger-ui-dist/swagger-ui.css" \
  "$nm/swagger-ui-dist/LICENSE" "$nm/swagger-ui-dist/NOTICE" "$out/swagger-ui/"

{
  echo "# Vendored third-party files"
  echo
  echo "Re-created by \`src/casus/web/vendor.sh\` from the npm registry; served as they are, with"
  echo "no build step. Each folder keeps its package's licence."
  echo
  echo "| package | version | licence | files |"
  echo "|---|---|---|---|"
  for p in world-atlas topojson-client d3-geo d3-array swagger-ui-dist; do
    d=$p
    [ "$p" = swagger-ui-dist ] && d=swagger-ui
    v=$(node -p "require('$nm/$p/package.json').version")
    l=$(node -p "require('$nm/$p/package.json').license")
    f=$(cd "$out/$d" && ls | grep -v -e LICENSE -e NOTICE | tr '\n' ' ')
    echo "| $p | $v | $l | $f|"
  done
  echo
  echo "- \`world-atlas\` redistributes Natural Earth's 1:110m Admin 0 country boundaries (version"
  echo "  4.1.0), which Natural Earth places in the public domain; the TopoJSON packaging is ISC"
  echo "  (Mike Bostock). Feature ids are ISO 3166-1 numeric codes (strings, zero-padded)."
  echo "- \`d3-geo/d3-geo.min.mjs\` is the package's own file with one change: its import of the bare"
  echo "  name \`d3-array\` points at \`../d3-array/d3-array.min.mjs\` (see vendor.sh)."
  echo "- \`topojson-client/\` is the package's \`src/\` folder (ES modules) as published."
  echo "- \`swagger-ui/\` holds two files of \`swagger-ui-dist\` as published (Apache-2.0, with its"
  echo "  LICENSE and NOTICE): the page at \`/docs\` loads them and \`js/api-docs.js\`, which starts"
  echo "  it on \`/openapi.json\` with the online validator turned off, so nothing leaves the"
  echo "  machine. The bundle's text names other hosts (JSON Schema ids, RFC links) that it never"
  echo "  loads; \`tests/web/test_docs_offline.py\` holds that in a browser."
} >"$out/README.md"

echo "vendored into $out:"
(cd "$out" && find . -type f | sort)
