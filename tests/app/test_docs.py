#!/usr/bin/python3
"""Checks that the user documentation matches the code.

usage: test_docs.py SOURCE_DIR [KASCADE_BINARY]

The deck keys are read from the sources, never listed here:
  * src/io/deck.cpp: the keys passed to DeckTable's readers (.real("k", ...), .integer, .boolean,
    .string, .numbers, .number_list, .table, .table_at) and to positive(t, "k", ...), with their
    literal defaults; a key given through a variable is followed to its definition;
  * src/model/presets.cpp: every preset's spec("name", default, "unit", "meaning", integer) and
    the choices of the custom preset with their defaults and values;
  * the generator names, weight laws, nonlinearities and emissions from their parsers.
Each key must appear in docs/input-reference.md as `key` (or `table.key`) in the section that
documents its table; literal defaults must match the table row; each preset's table must list
exactly its parameters with the code's type, default, unit and meaning. Tables must be
well-formed and relative links must resolve. With KASCADE_BINARY, the Python and TOML snippets
of the user docs are run against real output files.
"""
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, failures, finish  # noqa: E402

source = sys.argv[1]
binary = sys.argv[2] if len(sys.argv) > 2 else None


def read(rel):
    with open(os.path.join(source, rel), encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------- C++ helpers

STRING = r'"(?:\\.|[^"\\])*"'


def strip_comments(code):
    """Blanks out // and /* */ comments, keeping string literals and line numbers."""
    def repl(m):
        t = m.group(0)
        return t if t.startswith('"') else re.sub(r"[^\n]", " ", t)
    return re.sub(STRING + r"|//[^\n]*|/\*.*?\*/", repl, code, flags=re.S)


def literals(expr):
    """String literals of an expression, ignoring those only compared against (== "x")."""
    expr = re.sub(r"[!=]=\s*" + STRING, "", expr)
    return [s[1:-1] for s in re.findall(STRING, expr)]


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def functions(code):
    """Top-level function definitions: (name, parameter names, body start, body end)."""
    heads = list(re.finditer(r"^[A-Za-z][\w:<>,\s\*&]*?\b(\w+)\(([^;{}]*)\)\s*(?:const\s*)?\{",
                             code, re.M))
    out = []
    for k, m in enumerate(heads):
        params = re.sub(r"<[^<>]*>", "", m.group(2)).replace("\n", " ")
        names = re.findall(r"(\w+)\s*(?:=[^,]*)?(?:,|$)", params)
        end = heads[k + 1].start() if k + 1 < len(heads) else len(code)
        out.append((m.group(1), set(names), m.end(), end))
    return out


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def names_in(code, function):
    body = code[code.index(function):]
    body = body[:body.index("\n}")]
    return re.findall(r'return "(\w+)";', body)


# ---------------------------------------------------------------- Markdown helpers


def without_fences(md):
    return re.sub(r"^```.*?^```", "", md, flags=re.S | re.M)


def headings(md):
    """(level, title, start, end of its section) for every heading outside code fences."""
    text = re.sub(r"^```.*?^```", lambda m: re.sub(r"[^\n]", " ", m.group(0)), md,
                  flags=re.S | re.M)
    found = [(len(m.group(1)), m.group(2).strip(), m.start())
             for m in re.finditer(r"^(#{1,6})\s+(.*)$", text, re.M)]
    out = []
    for k, (level, title, start) in enumerate(found):
        end = len(md)
        for level2, _, start2 in found[k + 1:]:
            if level2 <= level:
                end = start2
                break
        out.append((level, title, start, end))
    return out


def section(md, needle):
    """The text of the first section whose title contains `needle` (None if there is none)."""
    for _, title, start, end in headings(md):
        if needle in title:
            return md[start:end]
    return None


def spans(md):
    return re.findall(r"`([^`\n]+)`", without_fences(md))


def documented(key, md):
    """`key`, `table.key` or `[table.key]` appears in md."""
    for s in spans(md):
        s = s.strip().strip("[]")
        if s == key or s.endswith("." + key):
            return True
    return False


def table_rows(md):
    """Rows of the Markdown tables in md as lists of cells (header and separator rows skipped)."""
    rows = []
    for line in without_fences(md).splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue
        rows.append(cells)
    return rows


def rows_for(key, md):
    """Table rows whose first cell is `key` or `table.key`."""
    return [r for r in table_rows(md) if r and re.fullmatch(r"`(?:[\w.]+\.)?" + re.escape(key) + "`", r[0])]


def cell_values(cell):
    return [v.strip() for v in re.findall(r"`([^`]+)`", cell)]


def default_matches(cell, value):
    """The default cell shows `value` (a number, boolean or quoted string)."""
    for v in cell_values(cell):
        if isinstance(value, str):
            if v == f'"{value}"':
                return True
        elif isinstance(value, bool):
            if v == ("true" if value else "false"):
                return True
        elif number(v) is not None and abs(number(v) - value) <= 1e-12 * max(1.0, abs(value)):
            return True
    return False


def slug(title):
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


# ---------------------------------------------------------------- the sources

deck_cpp = strip_comments(read("src/io/deck.cpp"))
presets_cpp = strip_comments(read("src/model/presets.cpp"))
cascade_cpp = strip_comments(read("src/model/cascade_model.cpp"))
graph_cpp = strip_comments(read("src/network/random_graph.cpp"))
reference = read("docs/input-reference.md")

# Defaults given as struct members (c.steps, s.mexican_hat.a, config.output, m.preset).
member_defaults = {}
for header in ("include/kascade/io/deck.hpp", "include/kascade/network/mexican_hat.hpp",
               "include/kascade/model/presets.hpp"):
    for name, value in re.findall(r"\b(\w+)\s*=\s*(" + STRING + r"|[-+\d.eE]+)\s*;",
                                  strip_comments(read(header))):
        member_defaults[name] = value[1:-1] if value.startswith('"') else float(value)


def literal_value(expr):
    expr = expr.strip()
    if re.fullmatch(STRING, expr):
        return expr[1:-1]
    if expr in ("true", "false"):
        return expr == "true"
    if number(expr) is not None:
        return float(expr)
    m = re.fullmatch(r"[\w.]+\.(\w+)", expr)  # a struct member's initializer
    if m and m.group(1) in member_defaults:
        return member_defaults[m.group(1)]
    return None


# --- the presets: name -> [(param, default, unit, meaning, integer)], custom's choices
preset_table = presets_cpp[presets_cpp.index("const std::vector<Preset>& presets()"):]
presets = {}
for name, specs in re.findall(r'\{"(\w+)",\s*' + STRING + r"\s*,\s*\{(.*?)\},\s*\{[^}]*\},\s*build_\w+\}",
                              preset_table, re.S):
    presets[name] = [
        (k, float(d), u, mean.replace('\\"', '"'), integer == "true")
        for k, d, u, mean, integer in re.findall(
            r'spec\("(\w+)",\s*([-+\d.eE]+),\s*"([^"]*)",\s*(' + STRING + r")\s*(?:,\s*(true|false))?\)",
            specs)
        for mean in [mean[1:-1]]
    ]
check(len(presets) >= 6 and all(presets.values()),
      f"parsed the preset table of src/model/presets.cpp ({len(presets)} presets)")
custom_choices = dict(re.findall(r'\{"(\w+)",\s*"(\w+)"\}',
                                 presets_cpp[presets_cpp.index("ParameterSet preset_defaults"):]))
check(len(custom_choices) >= 5, f"parsed the custom choices' defaults ({len(custom_choices)})")

# --- the keys of src/io/deck.cpp
known = re.search(r"known\[\]\s*=\s*\{(.*?)\};", deck_cpp, re.S)
generators = literals(known.group(1)) if known else []
check(len(generators) >= 8, f"parsed the generator names of src/io/deck.cpp ({generators})")

# Keys given through a variable that the checks below cover by their own means.
covered_elsewhere = {"spec.name": "preset parameters", "choice": "custom choices",
                     "generator": "generator names", "p.name": "tuned parameter names"}
# The section of docs/input-reference.md that documents the keys each reader function reads.
function_sections = {
    "parse_deck": "Top level",
    "read_networks": "`[networks]`",
    "read_generator": "Generators",
    "read_signs": "Generators",
    "read_weights": "Weight laws",
    "read_file_source": "File sources",
    "read_model": "`[model]`",
    "read_simulation": "`[simulation]`",
    "read_stimulus": "`[[stimulus]]`",
    "read_tune": "`[tune]`",
}

# Keys that come from a table of the code (for (const auto& [key, fallback] : provider(...))).
stimulus_cpp = strip_comments(read("src/stimulus/stimulus.cpp"))
providers = {"stimulus_parameters": "stimulus kinds"}
stim_fn = stimulus_cpp[stimulus_cpp.index("stimulus_parameters(StimulusKind kind)"):]
stim_fn = stim_fn[:stim_fn.index("\n}")]
stim_lists = {var: re.findall(r'\{"(\w+)",\s*([^}]+?)\s*\}', body)
              for var, body in re.findall(r"\b(\w+)\s*=\s*\{(.*?)\};", stim_fn, re.S)}
stimulus_kinds = {kind: stim_lists.get(var, [])
                  for kind, var in re.findall(r"case StimulusKind::(\w+):\s*return (\w+);", stim_fn)}
check(len(stimulus_kinds) >= 4 and all(stimulus_kinds.values()),
      f"parsed the stimulus parameters of src/stimulus/stimulus.cpp ({sorted(stimulus_kinds)})")

deck_keys = []  # (key, function, method, default or None, line, context generator)
for fname, params, start, end in functions(deck_cpp):
    body = deck_cpp[start:end]
    calls = [(m.start(), m.group(1), m.group(2), m.group(3)) for m in re.finditer(
        r"\.(real|integer|boolean|string|string_list|numbers|number_list|number_lists|integer_lists|"
        r"nested_array|table|table_at|tables|has)"
        r"\(\s*([^,()]+?)\s*([,)])",
        body)]
    calls += [(m.start(), "positive", m.group(1), ",") for m in re.finditer(
        r"\bpositive\(\s*\w+\s*,\s*([^,]+?)\s*,", body)]
    for pos, method, arg, after in calls:
        line = line_of(deck_cpp, start + pos)
        # The fallback: the argument after the key, for the readers that take one.
        fallback = None
        if method in ("real", "integer", "boolean", "string", "numbers", "positive"):
            rest = body[pos:]
            rest = rest[rest.index(arg) + len(arg):]
            m = re.match(r"\s*,\s*(" + STRING + r"|[^,()]+?)\s*[,)]", rest)
            if m:
                fallback = literal_value(m.group(1))
        context = None
        if fname == "read_generator":
            branch = list(re.finditer(r'generator == "(\w+)"', body[:pos]))
            context = branch[-1].group(1) if branch else None
        a = re.escape(arg)
        d = re.search(r"(?:const\s+char\s*\*|(?:const\s+)?std::string)\s+" + a +
                      r"\s*=\s*([^;]*);", body)
        f = re.search(r"for\s*\(\s*const\s+char\s*\*\s*" + a + r"\s*:\s*\{([^}]*)\}\s*\)", body)
        b = re.search(r"for\s*\(\s*const\s+auto\s*&\s*\[\s*" + a + r"\b[^\]]*\]\s*:\s*(\w+)\(",
                      body)
        if re.fullmatch(STRING, arg):
            keys = [arg[1:-1]]
        elif arg in covered_elsewhere:
            continue
        elif b and b.group(1) in providers:
            continue  # keys from a table of the code, checked below
        elif d and re.search(r"\.(?:string|integer|real)\(", d.group(1)):
            # The key is a value read from the deck: the values compared in the innermost
            # `if` around the call (targets == "fraction" || targets == "count").
            keys = []
            for cond in reversed(re.findall(r"if\s*\(([^;{}]*)\)\s*\{", body[:pos])):
                keys = re.findall(a + r'\s*==\s*"(\w+)"', cond)
                if keys:
                    break
        elif d or f:
            keys = literals(d.group(1)) if d else literals(f.group(1))
        elif arg in params:
            continue  # a parameter: the call sites pass the key
        else:
            keys = []
        if not check(keys, f"src/io/deck.cpp:{line}: the key `{arg}` is followed to string "
                           f"literals (teach tests/app/test_docs.py how to read it)"):
            continue
        for key in keys:
            deck_keys.append((key, fname, method, fallback, line, context))

check(len(deck_keys) >= 40, f"found the deck keys of src/io/deck.cpp ({len(deck_keys)})")

# ---------------------------------------------------------------- 1. every deck key is documented

for key, fname, method, fallback, line, context in deck_keys:
    where = f"src/io/deck.cpp:{line} ({fname})"
    if method in ("table", "table_at", "tables"):
        check(documented(key, reference),
              f"table `{key}` ({where}) is documented in docs/input-reference.md")
        continue
    needle = f"`[networks.{context}]`" if context else function_sections.get(fname)
    text = section(reference, needle) if needle else reference
    if not check(text is not None,
                 f"docs/input-reference.md has a section titled with {needle} for {where}"):
        continue
    check(documented(key, text),
          f"key `{key}` ({where}) is documented in the section '{needle or 'any'}' of "
          f"docs/input-reference.md")
    if fallback is None or fallback == "" or not needle:
        continue
    rows = rows_for(key, text)
    check(rows and any(len(r) > 2 and default_matches(r[2], fallback) for r in rows),
          f"key `{key}` ({where}): a row of the section '{needle}' gives its default {fallback!r}")

for g in generators:
    check(section(reference, f"`[networks.{g}]`") is not None,
          f"generator '{g}' has a section `[networks.{g}]` in docs/input-reference.md")

laws = re.findall(r'name == "(\w+)"', graph_cpp[graph_cpp.index("parse_weight_law"):])
weight_section = section(reference, "Weight laws") or ""
check(len(laws) >= 4, f"parsed the weight laws ({laws})")
for law in laws:
    check(f'`"{law}"`' in weight_section, f'weight law "{law}" is documented under Weight laws')

stimulus_keys = {k for k, fname, *_ in deck_keys if fname == "read_stimulus"}
for kind, params in stimulus_kinds.items():
    text = section(reference, f'kind = "{kind}"')
    if not check(text is not None, f'docs/input-reference.md has a section for stimulus kind = "{kind}"'):
        continue
    names = {k for k, _ in params}
    for key, fallback in params:
        rows = rows_for(key, text)
        value = literal_value(fallback)
        check(len(rows) == 1 and len(rows[0]) > 2 and (
            default_matches(rows[0][2], value) if value is not None else "no end" in rows[0][2]),
            f'stimulus kind "{kind}": one row for `{key}` with the default {fallback}')
    for row in table_rows(text):
        m = re.fullmatch(r"`(\w+)`", row[0]) if row else None
        if m:
            check(m.group(1) in names or m.group(1) in stimulus_keys,
                  f'stimulus kind "{kind}": the documented key `{m.group(1)}` exists in the code')
stimulus_text = section(reference, "`[[stimulus]]`") or ""
targets_rows = rows_for("targets", stimulus_text)
for rule in names_in(stimulus_cpp, "const char* to_string(Targeting"):
    check(targets_rows and f'`"{rule}"`' in targets_rows[0][-1],
          f'stimulus targets "{rule}" is listed as allowed')

# ---------------------------------------------------------------- 2. the preset tables

for name, specs in presets.items():
    text = section(reference, f'preset = "{name}"')
    if not check(text is not None, f'docs/input-reference.md has a section for preset = "{name}"'):
        continue
    names = {k for k, *_ in specs}
    for key, default, unit, meaning, integer in specs:
        what = f"preset {name}, parameter `{key}`"
        rows = rows_for(key, text)
        if not check(len(rows) == 1, f"{what}: exactly one table row (found {len(rows)})"):
            continue
        row = rows[0]
        if not check(len(row) >= 5, f"{what}: the row has type, default, units and meaning"):
            continue
        check(row[1] == ("integer" if integer else "float"),
              f"{what}: type {row[1]!r} should be {'integer' if integer else 'float'}")
        values = cell_values(row[2])
        check(len(values) == 1 and number(values[0]) == default and
              (not integer or re.fullmatch(r"-?\d+", values[0])),
              f"{what}: default {row[2]!r} should be {default:g}")
        check(row[3] == unit or (unit == "" and row[3] in ("–", "-")),
              f"{what}: units {row[3]!r} should be {unit or '–'!r}")
        check(meaning.lower() in row[4].lower(),
              f"{what}: the meaning should contain the code's text {meaning!r}")
    extra = {"nonlinearity", "emission", "coupling", "self", "noise",
             "coupling_taps", "self_taps"} if name == "custom" else set()
    for row in table_rows(text):
        m = re.fullmatch(r"`(\w+)`", row[0]) if row else None
        if m and m.group(1) not in ("key",):
            check(m.group(1) in names or m.group(1) in extra,
                  f"preset {name}: the documented parameter `{m.group(1)}` exists in the code")

custom = section(reference, 'preset = "custom"') or ""
for choice, default in custom_choices.items():
    rows = rows_for(choice, custom)
    check(len(rows) == 1 and default_matches(rows[0][2], default),
          f"custom choice `{choice}`: one row with the default \"{default}\"")


choice_values = {
    "nonlinearity": names_in(cascade_cpp, "const char* to_string(Nonlinearity"),
    "emission": names_in(cascade_cpp, "const char* to_string(Emission"),
}
build_custom = presets_cpp[presets_cpp.index("CascadeModel build_custom"):]
build_custom = build_custom[:build_custom.index("\n}")]
for choice, value in re.findall(r'\b(coupling|self|noise) == "(\w+)"', build_custom):
    choice_values.setdefault(choice, []).append(value)
for choice, values in choice_values.items():
    rows = rows_for(choice, custom)
    allowed = rows[0][-1] if rows else ""
    check(len(values) >= 2, f"parsed the values of custom choice `{choice}` ({values})")
    for v in values:
        check(f'`"{v}"`' in allowed,
              f'custom choice `{choice}`: the value "{v}" is listed as allowed')

# ---------------------------------------------------------------- 3. tables and links

owned = ["docs/input-reference.md", "docs/user-guide.md", "docs/output-format.md", "docs/tuning.md"]
for doc in owned:
    md = read(doc)
    width = None
    for number_, line in enumerate(md.splitlines(), 1):
        if line.startswith("```"):
            width = None
            continue
        if not line.startswith("|"):
            width = None
            continue
        cells = len(line.strip().strip("|").split("|"))
        if width is None:
            width = cells
        check(cells == width, f"{doc}:{number_}: table row has {cells} cells, its header {width} "
                              f"(a '|' inside a cell?)")
    for target in re.findall(r"\]\(([^)\s]+)\)", without_fences(md)):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        file = os.path.normpath(os.path.join(source, os.path.dirname(doc), path)) if path else \
            os.path.join(source, doc)
        if not check(os.path.exists(file), f"{doc}: link target {target} exists"):
            continue
        if anchor and file.endswith(".md"):
            with open(file, encoding="utf-8") as f:
                slugs = {slug(title) for _, title, _, _ in headings(f.read())}
            check(anchor in slugs, f"{doc}: link {target}: no heading with that anchor")

# ---------------------------------------------------------------- 4. the snippets run

def run(*args, cwd=None):
    return subprocess.run([binary, *args], capture_output=True, text=True, cwd=cwd)


def fenced(md, language):
    return re.findall(r"^```" + language + r"\n(.*?)^```", md, re.S | re.M)


if binary is None:
    print("note: no kascade binary given: the snippets are not run")
else:
    tmp = tempfile.mkdtemp(prefix="kascade_docs_")
    here = os.getcwd()
    try:
        os.chdir(tmp)
        for deck, extra in (("inputs/quickstart.toml", []),
                            ("inputs/models/rectified_lnp.toml", ["--set", "simulation.steps=1000"]),
                            ("inputs/stimuli/poisson.toml", ["--set", "simulation.steps=1000"])):
            r = run("run", os.path.join(source, deck), "-q", *extra, cwd=tmp)
            check(r.returncode == 0, f"{deck} runs for the snippets ({r.stderr.strip()})")
        # tuned.h5: the file of docs/tuning.md's "tune once, simulate many times"
        r = run("tune", os.path.join(source, "inputs/quickstart.toml"), "-q", "-o", "tuned.h5",
                "--set", "tune.target_rate=10.0", cwd=tmp)
        check(r.returncode == 0, f"kascade tune writes tuned.h5 for the snippets ({r.stderr.strip()})")
        short = ["--set", "simulation.steps=20", "--set", "simulation.equilibration_steps=5",
                 "-o", os.path.join(tmp, "snippet.h5"), "--overwrite", "-q"]
        for doc in owned:
            md = read(doc)
            before = set(os.listdir(tmp))
            namespace = {"__name__": "__doc_snippet__"}
            for k, code in enumerate(fenced(md, "python")):
                try:
                    with contextlib.redirect_stdout(io.StringIO()):
                        exec(compile(code, f"{doc} python block {k + 1}", "exec"), namespace)
                    check(True, f"{doc}: python block {k + 1} runs")
                except Exception as e:  # noqa: BLE001 -- report any failure of a snippet
                    check(False, f"{doc}: python block {k + 1} runs ({type(e).__name__}: {e})")
            made = sorted(f for f in set(os.listdir(tmp)) - before if f.endswith(".toml"))
            decks = [(f"{doc}: toml block {k + 1}", text)
                     for k, text in enumerate(fenced(md, "toml"))]
            decks += [(f"{doc}: deck {f} written by a python block",
                       open(os.path.join(tmp, f), encoding="utf-8").read()) for f in made]
            for what, text in decks:
                path = os.path.join(tmp, "snippet.toml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                r = run("run", path, *short, cwd=tmp)
                check(r.returncode == 0, f"{what} runs as a deck ({r.stderr.strip()})")
    finally:
        os.chdir(here)
        shutil.rmtree(tmp, ignore_errors=True)

finish()
