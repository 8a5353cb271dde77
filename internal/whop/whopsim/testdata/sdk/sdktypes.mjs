// Reads the type declarations of Whop's official TypeScript SDK (@whop/sdk,
// pinned in package-lock.json) and answers which fields the SDK types as
// required on a response object, following nested objects. The SDK is
// generated from Whop's API spec, so its types are the authority for the
// simulator's shapes (shared/reference/whop.md).
//
// Only the small subset of TypeScript that the SDK's generated .d.ts files
// use is understood: imports of whole modules, interfaces (with nested
// declare namespaces of interfaces), type aliases and classes (skipped).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** sdkDir is the installed @whop/sdk package directory. */
export const sdkDir = dirname(require.resolve('@whop/sdk'));

/** sdkVersion is the installed SDK's version, e.g. "0.0.42". */
export const sdkVersion = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')).version;

const modules = new Map(); // module name (e.g. "shared") -> parsed module

function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

// skipBalanced returns the index just past the bracket that closes the one
// at src[i].
function skipBalanced(src, i) {
  const open = src[i];
  const close = { '{': '}', '(': ')', '<': '>', '[': ']' }[open];
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    if (src[j] === open) depth++;
    else if (src[j] === close && !(close === '>' && src[j - 1] === '=')) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  throw new Error(`unbalanced ${open} at ${i}`);
}

// parseMembers reads "name?: type;" members of an interface body.
function parseMembers(body) {
  const fields = [];
  let i = 0;
  while (i < body.length) {
    const m = /^\s*(?:readonly\s+)?([A-Za-z_$][\w$]*|'[^']*'|"[^"]*")(\??)\s*:/.exec(body.slice(i));
    if (!m) {
      if (/^\s*$/.test(body.slice(i))) break;
      throw new Error(`cannot read member at: ${body.slice(i, i + 80)}`);
    }
    i += m[0].length;
    let j = i;
    while (j < body.length && body[j] !== ';') {
      j = '{(<['.includes(body[j]) ? skipBalanced(body, j) : j + 1;
    }
    fields.push({ name: m[1].replace(/^['"]|['"]$/g, ''), optional: m[2] === '?', type: body.slice(i, j).trim() });
    i = j + 1;
  }
  return fields;
}

// parseScope reads the declarations of a module or namespace body into
// scope: interfaces, aliases and namespaces by name.
function parseScope(src, scope) {
  let i = 0;
  const rest = () => src.slice(i);
  while (i < src.length) {
    const s = rest();
    let m;
    if ((m = /^\s+/.exec(s))) {
      i += m[0].length;
    } else if ((m = /^import\s+\*\s+as\s+(\w+)\s+from\s+"\.\/([\w-]+)\.js";/.exec(s))) {
      scope.imports[m[1]] = m[2];
      i += m[0].length;
    } else if ((m = /^(?:import|export\s*\{|export\s+\*)[^;]*;/.exec(s))) {
      i += m[0].length;
    } else if ((m = /^(?:export\s+)?(?:declare\s+)?namespace\s+(\w+)\s*\{/.exec(s))) {
      const start = i + m[0].length - 1;
      const end = skipBalanced(src, start);
      const ns = scope.namespaces[m[1]] ?? newScope(scope);
      scope.namespaces[m[1]] = ns;
      parseScope(src.slice(start + 1, end - 1), ns);
      i = end;
    } else if ((m = /^(?:export\s+)?(?:declare\s+)?interface\s+(\w+)[^{]*\{/.exec(s))) {
      const start = i + m[0].length - 1;
      const end = skipBalanced(src, start);
      scope.interfaces[m[1]] = parseMembers(src.slice(start + 1, end - 1));
      i = end;
    } else if ((m = /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?class\s+\w+[^{]*\{/.exec(s))) {
      i = skipBalanced(src, i + m[0].length - 1);
    } else if ((m = /^(?:export\s+)?(?:declare\s+)?type\s+(\w+)(?:<[^=]*>)?\s*=/.exec(s))) {
      let j = i + m[0].length;
      while (j < src.length && src[j] !== ';') j = '{(<['.includes(src[j]) ? skipBalanced(src, j) : j + 1;
      scope.aliases[m[1]] = src.slice(i + m[0].length, j).trim();
      i = j + 1;
    } else if ((m = /^export\s+(?:declare\s+)?(?:const|function|let|var)[^;]*;/.exec(s))) {
      i += m[0].length;
    } else {
      throw new Error(`cannot read declaration at: ${s.slice(0, 80)}`);
    }
  }
}

function newScope(parent) {
  return { parent, imports: parent?.imports ?? {}, interfaces: {}, aliases: {}, namespaces: {} };
}

function loadModule(name) {
  if (!modules.has(name)) {
    const scope = newScope(null);
    scope.module = name;
    parseScope(stripComments(readFileSync(join(sdkDir, 'resources', `${name}.d.ts`), 'utf8')), scope);
    modules.set(name, scope);
  }
  return modules.get(name);
}

// lookup resolves a dotted type name seen in scope: the scope's own
// namespaces first, then its parents', then the module's imports.
function lookup(scope, dotted) {
  const parts = dotted.split('.');
  for (let s = scope; s; s = s.parent) {
    const hit = walk(s, parts);
    if (hit) return hit;
  }
  let root = scope;
  while (root.parent) root = root.parent;
  if (parts.length > 1 && root.imports[parts[0]]) {
    return walk(loadModule(root.imports[parts[0]]), parts.slice(1));
  }
  return null;
}

function walk(scope, parts) {
  let s = scope;
  for (const p of parts.slice(0, -1)) {
    s = s.namespaces[p];
    if (!s) return null;
  }
  const last = parts[parts.length - 1];
  if (s.interfaces[last]) return { members: s.interfaces[last], scope: s.namespaces[last] ?? newScope(s), owner: s };
  if (s.aliases[last] !== undefined) return { alias: s.aliases[last], scope: s };
  return null;
}

// objectRef returns the interface name a field's type points at (through
// "| null" and Array<...>), or null for scalars, unions and literals.
function objectRef(type) {
  let t = type.replace(/\s*\|\s*null\s*$/, '').trim();
  let array = false;
  const arr = /^Array<(.+)>$/.exec(t) ?? /^(.+)\[\]$/.exec(t);
  if (arr) {
    t = arr[1].trim();
    array = true;
  }
  return /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(t) ? { name: t, array } : null;
}

// nullable reports whether a field's type admits null ("| null", or a
// type the SDK leaves open).
function nullable(type) {
  return /(^|\|)\s*null\s*(\||$)/.test(type) || /^(unknown|any)$/.test(type.trim());
}

// literals returns the string values a field's type allows when it is a
// union of string literals (directly or through an alias), else null.
function literals(type, scope, owner) {
  const t = type.replace(/\s*\|\s*null\s*$/, '').trim();
  if (/^'[^']*'(\s*\|\s*'[^']*')*$/.test(t)) return [...t.matchAll(/'([^']*)'/g)].map((m) => m[1]);
  if (!/^[A-Za-z_$][\w$.]*$/.test(t)) return null;
  const found = lookup(scope, t) ?? lookup(owner, t);
  return found && found.alias !== undefined ? literals(found.alias, found.scope, found.scope) : null;
}

// primitive returns "string", "number" or "boolean" when that (or null) is
// all a field's type allows, else null.
function primitive(type) {
  const m = /^(string|number|boolean)(\s*\|\s*null)?$/.exec(type.trim());
  return m ? m[1] : null;
}

// shapeOf turns an interface into {fields, required, nullable, enums, types,
// nested}: fields lists every field the SDK types, required those without
// "?", nullable those whose type admits null, enums the allowed values of
// string-literal fields, types the JSON type of scalar fields, nested the
// fields whose values are objects the SDK also types, each with its own
// shape.
function shapeOf(found, seen) {
  const shape = { fields: [], required: [], nullable: [], enums: {}, types: {}, nested: {} };
  for (const f of found.members) {
    shape.fields.push(f.name);
    const values = literals(f.type, found.scope, found.owner);
    if (values) shape.enums[f.name] = values;
    const prim = values ? 'string' : primitive(f.type);
    if (prim) shape.types[f.name] = prim;
    if (!f.optional) shape.required.push(f.name);
    if (nullable(f.type)) shape.nullable.push(f.name);
    const ref = objectRef(f.type);
    if (!ref) continue;
    const inner = lookup(found.scope, ref.name) ?? lookup(found.owner, ref.name);
    if (!inner || !inner.members) continue;
    const key = `${ref.name}@${found.owner.module ?? ''}`;
    if (seen.has(key)) continue; // recursive types: one level is enough
    const sub = shapeOf(inner, new Set([...seen, key]));
    if (ref.array) sub.array = true;
    shape.nested[f.name] = sub;
  }
  shape.fields.sort();
  shape.required.sort();
  shape.nullable.sort();
  return shape;
}

/**
 * requiredShape returns the required fields of the response type `type`
 * declared in the SDK module `module` (a file under resources/, without
 * ".d.ts"), e.g. requiredShape('shared', 'Membership').
 */
export function requiredShape(module, type) {
  const found = lookup(loadModule(module), type);
  if (!found || !found.members) throw new Error(`@whop/sdk ${sdkVersion}: no interface ${type} in resources/${module}.d.ts`);
  return shapeOf(found, new Set());
}

/** defaultVersion is the Api-Version-Date the SDK sends unless told otherwise. */
export function defaultVersion() {
  const src = readFileSync(join(sdkDir, 'client.js'), 'utf8');
  const m = /readEnv\)\('WHOP_API_VERSION'\)\s*\?\?\s*'(\d{4}-\d{2}-\d{2})'/.exec(src);
  if (!m) throw new Error(`@whop/sdk ${sdkVersion}: cannot find the default Api-Version-Date in client.js`);
  return m[1];
}
