// Compiles the app's Vue templates into one ES module, as jupyter-vue would in the browser.
//
// Reads JSON from stdin: {"components": {"Name": "<template>...</template><script>...</script>"}}.
// Writes to stdout an ES module that exports one component object (options and render
// function) per name. The steps are those of jupyter-vue's in-browser compiler
// (lib/sfcCompiler.js: classic script normalised to `export default`, template compiled with
// prefixIdentifiers and the script's bindings, Vuetify slot props guarded); no styles or
// <script setup> (the app's templates have none; an empty style block is ignored). Run by `python -m webapp.components.build_templates`,
// which gives the folder that holds node_modules/@vue/compiler-sfc as the one argument.
import { createRequire } from "node:module";
import path from "node:path";

const { parse, compileScript, compileTemplate, rewriteDefault } = createRequire(
  path.join(path.resolve(process.argv[2]), "package.json"),
)("@vue/compiler-sfc");

const IMPORT = /^import \{([^}]*)\} from "vue"\n?/gm;

function normalizeOptionsScript(content) {
  const commonJs = /modules?\.exports?\s*=/.exec(content);
  if (commonJs) return `export default ${content.slice(commonJs.index + commonJs[0].length)}`;
  if (!/\b(import|export)\b/.test(content)) {
    const start = content.indexOf("{");
    if (start !== -1) return `export default ${content.slice(start)}`;
  }
  return content;
}

function guardBoundProps(code) {
  if (!code.includes("_normalizeProps(_guardReactiveProps(") && !code.includes("_mergeProps(")) return code;
  return [
    'import { isRef as _ipyvueIsRef } from "vue"',
    "function _ipyvueSanitizeBoundProps(props) {",
    '    const guarded = typeof _guardReactiveProps === "function" ? _guardReactiveProps(props) : props;',
    '    if (!guarded || typeof guarded !== "object") {',
    "        return guarded;",
    "    }",
    "    if (_ipyvueIsRef(guarded.ref)) {",
    "        const { ref, ...rest } = guarded;",
    "        return rest;",
    "    }",
    "    return guarded;",
    "}",
    "function _ipyvueMergeProps(...args) {",
    "    if (!args.length) {",
    "        return _mergeProps();",
    "    }",
    "    return _mergeProps(...args.map((arg) => _ipyvueSanitizeBoundProps(arg)));",
    "}",
    code
      .replaceAll("_normalizeProps(_guardReactiveProps(", "_normalizeProps(_ipyvueSanitizeBoundProps(")
      .replaceAll("_mergeProps(", "_ipyvueMergeProps("),
  ].join("\n");
}

function compileComponent(name, source, imports) {
  const filename = `${name}.vue`;
  const { descriptor, errors } = parse(source, { filename });
  if (errors.length) throw new Error(`${filename}: ${errors.map(String).join("; ")}`);
  // a style block that declares nothing (Solara's ECharts template has one) is left out
  const styles = descriptor.styles.filter((style) => style.content.replace(/[^{}]*\{\s*\}/g, "").trim());
  if (styles.length || descriptor.scriptSetup) {
    throw new Error(`${filename}: <style> and <script setup> are not supported; put styles in webapp/style.css`);
  }
  if (descriptor.script) {
    descriptor.script.content = normalizeOptionsScript(descriptor.script.content);
  }
  const script = descriptor.script ? compileScript(descriptor, { id: name }) : null;
  const template = compileTemplate({
    filename,
    id: name,
    source: descriptor.template.content,
    compilerOptions: { bindingMetadata: script ? script.bindings : {}, prefixIdentifiers: true },
  });
  if (template.errors.length) throw new Error(`${filename}: ${template.errors.map(String).join("; ")}`);
  const render = guardBoundProps(template.code).replace(IMPORT, (_, names) => {
    for (const item of names.split(",")) if (item.trim()) imports.add(item.trim());
    return "";
  });
  const options = script ? rewriteDefault(script.content, "options") : "const options = {};";
  return [
    `export const ${name} = (() => {`,
    options.trim(),
    render.replace("export function render(", "function render(").trim(),
    "return { ...options, render };",
    "})();",
  ].join("\n");
}

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
}));
const imports = new Set();
const bodies = Object.entries(input.components).map(([name, source]) => compileComponent(name, source, imports));
const header = `import { ${[...imports].sort().join(", ")} } from "vue";`;
process.stdout.write([header, ...bodies].join("\n\n") + "\n");
