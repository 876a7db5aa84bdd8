"""lrkit.load and lrkit.dump: every type from JSON, YAML and the short form, several param
groups (in Python, the CLI and a real torch optimizer), error positions, and hostile files.

Each hostile file must be refused with a ValueError or TypeError naming the file, within a
few seconds, without writing anything or running anything.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import families  # tests/families.py: every family's strategy
import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrkit
from lrkit import SpecError, dump, load
from lrkit.cli import main
from lrkit.config import short_form

LOADS = settings(
    max_examples=15,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def equal_values(a: Any, b: Any) -> None:
    t = np.linspace(0, a.length or 100, 23).round()
    np.testing.assert_array_equal(a(t), b(t))


# -- every type, every form ----------------------------------------------------------------


@pytest.mark.parametrize("family", list(families.FAMILIES))
@LOADS
@given(data=st.data())
def test_every_type_loads_from_json_yaml_and_short_form(
    family: str, data: st.DataObject, tmp_path: Path
) -> None:
    expected = data.draw(families.FAMILIES[family]).build()
    config = expected.to_config()
    # a JSON text, a JSON file, a YAML file: the same schedule
    assert load(json.dumps(config)) == expected
    (tmp_path / "s.json").write_text(json.dumps(config, indent=1))
    assert load(tmp_path / "s.json") == expected
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    assert load(str(tmp_path / "s.yaml")) == expected
    # the short form, where the config has one (flat configs)
    spec = short_form(config)
    if spec is not None:
        assert load(spec) == expected
    # dump writes what load reads back equal, in both formats
    for name in ("d.json", "d.yaml", "d.yml"):
        text = dump(expected, tmp_path / name)
        assert (tmp_path / name).read_text() == text
        back = load(tmp_path / name)
        assert back == expected
        equal_values(back, expected)  # type: ignore[arg-type]


def test_the_docs_examples_are_the_files_the_page_shows() -> None:
    root = Path(__file__).resolve().parent.parent
    page = (root / "docs" / "configs.md").read_text()
    for name in ("warmup-cosine.yaml", "two-groups.yaml"):
        text = (root / "docs" / "examples" / name).read_text()
        assert f"`docs/examples/{name}`:\n\n```yaml\n{text}```" in page
        assert load(root / "docs" / "examples" / name)


def test_dump_formats() -> None:
    s = lrkit.WarmupCosine(lr=0.1, warmup_steps=10, total_steps=100)
    assert json.loads(dump(s)) == s.to_config()
    assert yaml.safe_load(dump(s, format="yaml")) == s.to_config()
    two = [s, lrkit.StepLR(lr=0.01, step_size=3)]
    assert load(dump(two)) == two
    assert load(dump(two, format="yaml")) == two  # YAML text of several lines
    with pytest.raises(ValueError, match="format must be 'json' or 'yaml', got 'toml'"):
        dump(s, format="toml")
    with pytest.raises(TypeError, match="dump takes a schedule"):
        dump(3)  # type: ignore[arg-type]


def test_load_takes_configs_and_paths() -> None:
    config = {"type": "StepLR", "lr": 0.1, "step_size": 3}
    assert load(config) == lrkit.StepLR(lr=0.1, step_size=3)
    assert load([config, config]) == [lrkit.StepLR(lr=0.1, step_size=3)] * 2
    with pytest.raises(TypeError, match="a source is a path"):
        load(3)  # type: ignore[arg-type]
    with pytest.raises(SpecError, match=r"no such file 'missing\.yaml'"):
        load("missing.yaml")


def test_the_cli_reads_what_load_reads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "run.yaml"
    path.write_text(
        "type: WarmupCosine\nlr: 0.1\nwarmup_steps: 5\ntotal_steps: 50\nfinal_lr: 0.001\n"
    )
    schedule = load(path)
    assert main(["table", str(path), "--steps", "50", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["lr"] for row in rows] == [schedule(t) for t in range(51)]  # type: ignore[operator]


# -- param groups ---------------------------------------------------------------------------


GROUPS_YAML = """\
# two param groups: a backbone and a head
- type: WarmupCosine
  lr: 0.01
  warmup_steps: 3
  total_steps: 20
- type: StepLR
  lr: 0.1
  step_size: 5
  gamma: 0.5
"""


def test_a_list_of_configs_is_one_schedule_per_group(tmp_path: Path) -> None:
    path = tmp_path / "groups.yaml"
    path.write_text(GROUPS_YAML)
    assert load(path) == [
        lrkit.WarmupCosine(lr=0.01, warmup_steps=3, total_steps=20),
        lrkit.StepLR(lr=0.1, step_size=5, gamma=0.5),
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "StepLR:lr=[0.1,0.01],step_size=30",
            [lrkit.StepLR(lr=0.1, step_size=30), lrkit.StepLR(lr=0.01, step_size=30)],
        ),
        (
            '{"type": "OneCycleLR", "max_lr": [0.1, 0.02], "total_steps": 100}',
            [
                lrkit.OneCycleLR(max_lr=0.1, total_steps=100),
                lrkit.OneCycleLR(max_lr=0.02, total_steps=100),
            ],
        ),
        (  # two numeric lists at once, one value per group each
            "CyclicLR:base_lr=[0.001,0.0001],max_lr=[0.1,0.01],step_size_up=4",
            [
                lrkit.CyclicLR(base_lr=0.001, max_lr=0.1, step_size_up=4),
                lrkit.CyclicLR(base_lr=0.0001, max_lr=0.01, step_size_up=4),
            ],
        ),
        (  # lr stated once at the top of a composite, per group, inherited by the children
            '{"type": "SequentialLR", "lr": [0.1, 0.2], "milestones": [2], "schedulers": '
            '[{"type": "ConstantLR", "factor": 0.5}, {"type": "ExponentialLR", "gamma": 0.9}]}',
            [
                lrkit.SequentialLR(
                    [
                        lrkit.ConstantLR(lr=lr, factor=0.5),
                        lrkit.ExponentialLR(lr=lr, gamma=0.9),
                    ],
                    milestones=[2],
                )
                for lr in (0.1, 0.2)
            ],
        ),
        (  # milestones are a list argument, not a per-group one
            "MultiStepLR:lr=[0.1,0.2],milestones=[3,6,9]",
            [lrkit.MultiStepLR(lr=lr, milestones=(3, 6, 9)) for lr in (0.1, 0.2)],
        ),
    ],
)
def test_per_group_values(source: str, expected: list[Any]) -> None:
    assert load(source) == expected


def test_per_group_lists_must_agree() -> None:
    with pytest.raises(SpecError, match="base_lr has 2, max_lr has 3"):
        load("CyclicLR:base_lr=[0.001,0.0001],max_lr=[0.1,0.01,0.2]")
    with pytest.raises(SpecError, match="1 to 1000"):
        load("StepLR:lr=[],step_size=3")
    with pytest.raises(SpecError, match=r"1 to 1000 of them, got 0"):
        load("[]")


def test_a_groups_file_drives_a_real_optimizer(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from lrkit.torch import ScheduleLR

    path = tmp_path / "groups.yaml"
    path.write_text(GROUPS_YAML)
    schedules = load(path)
    assert isinstance(schedules, list)
    backbone, head = torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)
    optimizer = torch.optim.SGD(
        [{"params": backbone.parameters()}, {"params": head.parameters()}], lr=1.0
    )
    scheduler = ScheduleLR(optimizer, schedules)
    for step in range(25):
        assert [g["lr"] for g in optimizer.param_groups] == [s(step) for s in schedules]
        optimizer.step()
        scheduler.step()


def test_the_cli_draws_one_curve_per_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "groups.yaml"
    path.write_text(GROUPS_YAML)
    first, second = load(path)  # type: ignore[misc]
    assert main(["table", str(path), "--steps", "20"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "step,lr[0],lr[1]"
    for t, line in enumerate(lines[1:]):
        assert line == f"{t},{first(t)!r},{second(t)!r}"
    assert main(["show", str(path), "--steps", "20", "--width", "60"]) == 0
    out = capsys.readouterr().out
    assert "groups [0]" in out and "groups [1]" in out
    svg = tmp_path / "groups.svg"
    assert main(["plot", "StepLR:lr=[0.1,0.05],step_size=3", "-o", str(svg)]) == 0
    text = svg.read_text()
    assert "StepLR:lr=[0.1,0.05],step_size=3 [0]" in text
    assert "StepLR:lr=[0.1,0.05],step_size=3 [1]" in text


# -- errors: key paths, lines and columns ---------------------------------------------------


def test_yaml_errors_name_the_key_path_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    text = (
        "type: SequentialLR\n"
        "lr: 0.1\n"
        "milestones: [5]\n"
        "schedulers:\n"
        "  - type: ConstantLR\n"
        "  - type: CosineAnnealingLR\n"
        "    T_max: -4\n"
    )
    path.write_text(text)
    with pytest.raises(SpecError) as info:
        load(path)
    message = str(info.value)
    assert message.startswith(f"in {path}: schedulers[1].T_max must be")
    column = text.splitlines()[6].index("-4") + 1
    assert message.endswith(f"(line 7, column {column})")
    # in a list of groups the path starts at the group
    groups = tmp_path / "groups.yaml"
    groups.write_text(GROUPS_YAML.replace("step_size: 5", "step_size: zero"))
    with pytest.raises(SpecError, match=r"\[1\]\.step_size must be .*\(line 8, column 14\)"):
        load(groups)


def test_syntax_errors_name_the_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="invalid JSON at line 2 column 8"):
        load('{"type": "StepLR",\n "lr": }')
    path = tmp_path / "bad.yaml"
    path.write_text("type: StepLR\nlr: [0.1\n")
    with pytest.raises(SpecError, match=f"in {path}: invalid YAML at line 3 column 1"):
        load(path)


def test_yaml_numbers_with_an_exponent_and_no_dot_are_numbers(tmp_path: Path) -> None:
    # PyYAML (YAML 1.1) reads 3e-4 as a string; lrkit reads it as YAML 1.2 does.
    path = tmp_path / "run.yaml"
    path.write_text("type: ExponentialLR\nlr: 3e-4\ngamma: 1E0\n")
    assert yaml.safe_load(path.read_text())["lr"] == "3e-4"
    assert load(path) == lrkit.ExponentialLR(lr=3e-4, gamma=1.0)
    path.write_text("type: ExponentialLR\nlr: '3e-4'\ngamma: 0.5\n")  # quoted: a string
    with pytest.raises(SpecError, match="lr must be"):
        load(path)


def test_repeated_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="the key 'lr' is given twice"):
        load('{"type": "StepLR", "lr": 0.1, "lr": 0.2, "step_size": 3}')
    path = tmp_path / "twice.yaml"
    path.write_text("type: StepLR\nlr: 0.1\nstep_size: 3\nlr: 0.2\n")
    with pytest.raises(SpecError, match="line 4 column 1: the key 'lr' is given twice"):
        load(path)


# -- hostile files -------------------------------------------------------------------------


def _alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "type: StepLR\nlr: 0.1\nstep_size: 3\n" + "\n".join(lines) + "\n"


HOSTILE: list[tuple[str, str, str]] = [
    (
        "object-apply",
        "type: StepLR\nlr: !!python/object/apply:os.system ['touch {marker}']\nstep_size: 3\n",
        "the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    (
        "object-new",
        "!!python/object/new:subprocess.Popen [['touch', '{marker}']]\n",
        "is not allowed: a config is plain data",
    ),
    ("name", "type: !!python/name:os.system StepLR\n", "'tag:yaml.org,2002:python/name:os.system'"),
    ("module", "!!python/module:os\n", "python/module:os' is not allowed"),
    ("binary", "type: StepLR\nlr: !!binary AAAA\n", "tag:yaml.org,2002:binary"),
    ("set", "!!set {a, b}\n", "tag:yaml.org,2002:set"),
    ("custom-tag", "type: !shell 'rm -rf {marker}'\n", "the tag '!shell' is not allowed"),
    ("alias-bomb", _alias_bomb(9), "an alias (*a0) is not allowed"),
    ("merge-key", "type: StepLR\n<<: {lr: 0.1}\n", "the tag 'tag:yaml.org,2002:merge' is not"),
    ("merge-alias", "base: &b {lr: 0.1}\ntype: StepLR\n<<: *b\n", "is not allowed"),
    ("deep-flow", "[" * 100_000 + "]" * 100_000 + "\n", "nest"),
    ("deep-block", "- " * 5000 + "x\n", "invalid YAML"),
    ("deep-mapping", "".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "v\n", "nest"),
    ("giant-int", "type: StepLR\nlr: 0.1\nstep_size: " + "9" * 100_000 + "\n", "too long"),
    ("giant-float", "type: StepLR\nlr: 1e999999\nstep_size: 3\n", "lr must be"),
    ("scalar", "42\n", "got int"),
    ("string", "'StepLR'\n", "got str"),
    ("empty", "", "holds no config"),
    ("null", "~\n", "got NoneType"),
    ("two-documents", "type: StepLR\n---\ntype: StepLR\n", "a second YAML document"),
    ("many-values", "".join(f"k{i}: {i}\n" for i in range(120_000)), "larger than"),
    ("many-values-small", "[" + ",".join(["1"] * 100_500) + "]\n", "more than 100000 values"),
    ("complex-key", "? [a, b]\n: 1\n", "a key must be a string or a number"),
]


@pytest.mark.parametrize(("name", "text", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_yaml_is_refused_quickly_and_runs_nothing(
    name: str, text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    marker = tmp_path / "marker"
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace("{marker}", str(marker)))
    before = sorted(os.listdir(tmp_path))
    start = time.perf_counter()
    with pytest.raises((ValueError, TypeError)) as info:
        load(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"{name}: {elapsed:.1f} s"
    assert str(path) in str(info.value)
    assert message in str(info.value), str(info.value)
    assert not marker.exists()
    assert sorted(os.listdir(tmp_path)) == before and os.listdir(work) == []


def test_hostile_json_is_refused(tmp_path: Path) -> None:
    cases = {
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "giant.json": '{"type": "StepLR", "lr": 0.1, "step_size": ' + "9" * 100_000 + "}",
        "scalar.json": "3",
        "bomb.json": json.dumps([[1] * 1000] * 200),
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        start = time.perf_counter()
        with pytest.raises((ValueError, TypeError), match=name):
            load(tmp_path / name)
        assert time.perf_counter() - start < 5.0


def test_every_gallery_config_loads_as_printed() -> None:
    # The gallery prints each picture's config (a list for several curves): lrkit.load
    # reads that text back to the schedules drawn.
    from lrkit import gallery

    for entry in gallery.ENTRIES:
        if entry.plateau is not None:
            continue  # ReduceLROnPlateau: simulated, no config
        text = gallery._config_text(entry)
        loaded = load(text)
        drawn = [schedule for _, schedule in entry.schedules]
        assert (loaded if isinstance(loaded, list) else [loaded]) == drawn, entry.name


def test_a_comma_typo_is_named_in_python_as_in_the_cli() -> None:
    # The config layer says what went wrong, so lrkit.load and the CLI say the same.
    with pytest.raises(SpecError) as info:
        load("StepLR:lr=0.1;step_size=30")
    assert str(info.value) == (
        "in SPEC 'StepLR:lr=0.1;step_size=30': lr got '0.1;step_size=30', which is not a "
        "number (key=value pairs are separated by commas: did you mean "
        "'StepLR:lr=0.1,step_size=30'?)"
    )
