"""The built-in gallery: every torch scheduler and every schedule lrkit adds, drawn, and
what it draws is what torch (or the schedule itself) does.

Each torch entry's schedule is compared with the real torch scheduler stepping a real SGD
optimizer (built here from the entry's config); the ReduceLROnPlateau entry with torch's
ReduceLROnPlateau fed the same synthetic loss. Each entry for one of lrkit's own schedules
is compared with that schedule evaluated directly, one step at a time, and its lrkit code
must build what it draws. The pictures are decoded and checked, and the committed
docs/gallery.md must be what the gallery writes today.
"""

from __future__ import annotations

import html
import html.parser
import json
import re
import shlex
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.image as mpimg
import numpy as np
import pytest
import torch

import lrkit
import lrkit.plot
from lrkit import gallery
from lrkit.cli import main
from lrkit.config import parse_spec
from lrkit.gallery import ENTRIES, FAMILIES, Entry

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TORCH_SCHEDULERS = sorted(
    name
    for name in torch.optim.lr_scheduler.__all__
    if name != "LRScheduler" and isinstance(getattr(torch.optim.lr_scheduler, name), type)
)


TORCH_ENTRIES = [e for e in ENTRIES if e.torch]
OWN_ENTRIES = [e for e in ENTRIES if e.code]
#: lrkit's own schedule classes, by the family (docs/schedules/ page) each belongs to.
OWN_CLASSES = {
    "decay": lrkit.core._decay.__all__,
    "piecewise": lrkit.core._piecewise.__all__,
    "restarts": lrkit.core._restarts.__all__,
    "combinators": [
        *lrkit.compose._join.__all__,
        *lrkit.compose._arith.__all__,
        *lrkit.compose._warmup.__all__,
        *lrkit.compose._noise.__all__,
    ],
    "presets": lrkit.compose._presets.__all__,
}


def test_the_gallery_covers_every_torch_scheduler() -> None:
    assert len(TORCH_SCHEDULERS) == 15
    named = {e.name for e in ENTRIES}
    assert set(TORCH_SCHEDULERS) <= named
    assert {e.scheduler for e in TORCH_ENTRIES} == set(TORCH_SCHEDULERS)
    assert len(named) == len(ENTRIES)  # one file per entry
    assert ENTRIES == (*TORCH_ENTRIES, *OWN_ENTRIES)  # torch's first, as the page shows them


def test_the_gallery_draws_every_schedule_lrkit_adds() -> None:
    """Every class of the new families is the drawn schedule of an entry of its family
    (not only a part of one)."""
    assert set(OWN_CLASSES) == set(FAMILIES)
    for family, names in OWN_CLASSES.items():
        assert names, family
        drawn = {
            type(s).__name__ for e in OWN_ENTRIES if e.family == family for _, s in e.schedules
        }
        assert set(names) <= drawn, (family, set(names) - drawn)
    for entry in OWN_ENTRIES:  # not listed as a torch scheduler (lrkit's table of them)
        assert entry.scheduler == "" and not entry.from_seed and entry.plateau is None


def test_an_entry_has_torch_code_or_lrkit_code() -> None:
    base = {"name": "X", "summary": "s", "schedules": ()}
    with pytest.raises(lrkit.InvalidValue, match="code"):
        Entry(scheduler="StepLR", **base)  # neither
    with pytest.raises(lrkit.InvalidValue, match="code"):
        Entry(scheduler="StepLR", torch="t", code="c", family="decay", **base)  # both
    with pytest.raises(lrkit.InvalidValue, match="scheduler"):
        Entry(scheduler="StepLR", code="c", family="decay", **base)
    with pytest.raises(lrkit.InvalidValue, match="family"):
        Entry(scheduler="", code="c", family="decays", **base)
    with pytest.raises(lrkit.InvalidValue, match="family"):
        Entry(scheduler="StepLR", torch="t", family="decay", **base)
    entry = Entry(scheduler="", code="c", family="decay", **base)
    assert entry.page == "decay.md#x"
    assert gallery.by_name("PolynomialDecay-cycle").page == "decay.md#polynomialdecay"
    assert gallery.by_name("StepLR").page == ""


#: The code lines of the tutorial lrkit started from (lr-scheduler-tutorial.zh.md, kept
#: outside the repository, so the tests do not read it), quoted as the tutorial writes them
#: (its ``self.opt`` written ``optimizer``): the arguments the gallery must use.
SEED_CODE = (
    "lambda1 = lambda epoch: epoch // 30",
    "lambda2 = lambda epoch: 0.95 ** epoch",
    "scheduler = LambdaLR(optimizer, lr_lambda=[lambda1, lambda2])",
    "lmbda = lambda epoch: 0.95",
    "scheduler = MultiplicativeLR(optimizer, lr_lambda=lmbda)",
    "scheduler = StepLR(optimizer, step_size=30, gamma=0.1)",
    "scheduler = MultiStepLR(optimizer, milestones=[30, 80], gamma=0.1)",
    "scheduler = ConstantLR(optimizer, factor=0.5, total_iters=4)",
    "scheduler = LinearLR(optimizer, start_factor=0.5, total_iters=4)",
    "optimizer = optim.SGD(model.parameters(), lr=0.1)",
    "scheduler = ExponentialLR(optimizer, gamma=0.9)",
    "scheduler = PolynomialLR(optimizer, total_iters=4, power=1.0)",
    "optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)",
    "scheduler = torch.optim.lr_scheduler.CyclicLR(optimizer, base_lr=0.01, max_lr=0.1)",
    "scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, "
    "steps_per_epoch=len(data_loader), epochs=10)",
    "total_epochs = 100",
    "initial_lr = 0.1",
    "min_lr = 0.001",
    "optimizer = optim.SGD(model.parameters(), lr=initial_lr)",
    "scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_epochs, eta_min=min_lr)",
    "scheduler = ReduceLROnPlateau(optimizer, 'min')",
    "train(...)",
    "val_loss = validate(...)",
    "scheduler.step(val_loss)",
    "scheduler1 = ConstantLR(optimizer, factor=0.1, total_iters=2)",
    "scheduler2 = ExponentialLR(optimizer, gamma=0.9)",
    "scheduler = ChainedScheduler([scheduler1, scheduler2])",
    "scheduler = SequentialLR(optimizer, schedulers=[scheduler1, scheduler2], milestones=[2])",
)


def test_seed_arguments_are_used_where_the_seed_gives_them() -> None:
    """Every code line of a seed entry's torch snippet is one of the tutorial's (spacing
    aside), and every quoted line is used by some entry."""

    def flat(text: str) -> str:
        return "".join(text.split())

    quoted = {flat(line) for line in SEED_CODE}
    used: set[str] = set()
    for entry in ENTRIES:
        if not entry.from_seed:
            continue
        for line in entry.torch.splitlines():
            code = line.split("#")[0].strip()
            if code and not code.startswith("for "):
                assert flat(code) in quoted, (entry.name, code)
                used.add(flat(code))
    assert used == quoted
    seeded = {e.name for e in ENTRIES if e.from_seed}
    assert seeded == set(TORCH_SCHEDULERS) - {"CosineAnnealingWarmRestarts"}


# -- what the gallery draws is what torch does -----------------------------------------------


def torch_scheduler(opt: torch.optim.Optimizer, config: dict[str, Any]) -> Any:
    """The torch scheduler for an lrkit config (functions become callables of lrkit.Expr)."""
    L = torch.optim.lr_scheduler
    kwargs = {k: v for k, v in config.items() if k not in ("type", "lr")}
    if "schedulers" in kwargs:
        kwargs["schedulers"] = [torch_scheduler(opt, child) for child in kwargs["schedulers"]]
        if config["type"] == "ChainedScheduler":
            return L.ChainedScheduler(kwargs["schedulers"])
    if "lr_lambda" in kwargs:
        kwargs["lr_lambda"] = lrkit.Expr(kwargs["lr_lambda"])
    return getattr(L, config["type"])(opt, **kwargs)


def torch_values(config: dict[str, Any], lr: float, steps: int) -> np.ndarray[Any, Any]:
    param = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([param], lr=lr, momentum=0.9)
    sched = torch_scheduler(opt, config)
    out = [opt.param_groups[0]["lr"]]
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append(opt.param_groups[0]["lr"])
    return np.array(out)


def initial_lr(config: dict[str, Any]) -> float:
    for key in ("lr", "base_lr"):
        if key in config:
            return float(config[key])
    return float(config["max_lr"])  # OneCycleLR sets the group's lr itself


@pytest.mark.parametrize(
    "entry", [e for e in TORCH_ENTRIES if e.plateau is None], ids=lambda e: e.name
)
def test_gallery_schedules_match_torch(entry: Entry) -> None:
    steps = entry.steps or 100
    if entry.scheduler == "OneCycleLR":
        steps -= 1  # at total_steps lrkit holds min_lr where torch extrapolates (documented)
    steps = min(steps, 4500)  # CyclicLR: one cycle and more is plenty
    for (_, schedule), config in zip(entry.schedules, entry.configs(), strict=True):
        expected = torch_values(config, initial_lr(config), steps)
        got = schedule(np.arange(steps + 1.0))
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-15, err_msg=entry.name)


@pytest.mark.parametrize("entry", OWN_ENTRIES, ids=lambda e: e.name)
def test_own_entries_draw_the_schedules_values(entry: Entry) -> None:
    """What is drawn is each schedule evaluated directly, one whole step at a time, from
    step 0 to the entry's last step (every step, or a subsample of them beyond
    lrkit.plot.MAX_POINTS), with the schedule's own boundaries marked."""
    drawn = entry.curves()
    assert len(drawn) == len(entry.schedules)
    for i, (curve, (label, schedule)) in enumerate(zip(drawn, entry.schedules, strict=True)):
        assert curve.label == label
        assert curve.steps[0] == 0 and curve.steps[-1] == entry.steps
        assert np.array_equal(curve.steps, np.round(curve.steps))  # whole steps
        if entry.steps < lrkit.plot.MAX_POINTS:
            assert np.array_equal(curve.steps, np.arange(entry.steps + 1.0))  # every one
        direct = np.array([schedule(int(t)) for t in curve.steps])
        # One ulp apart at most (the exponential warm-up's pow on one float and on an array).
        np.testing.assert_allclose(curve.lr, direct, rtol=2.5e-16, atol=0, err_msg=entry.name)
        assert np.isfinite(curve.lr).all() and (curve.lr >= 0).all()
        assert curve.boundaries == tuple(b for b in schedule.breakpoints if 0 < b < entry.steps)
        dashed = curve.style.get("linestyle") == "--"
        assert dashed == (i in entry.references)


@pytest.mark.parametrize("entry", OWN_ENTRIES, ids=lambda e: e.name)
def test_own_entries_code_builds_what_is_drawn(entry: Entry) -> None:
    """The lrkit code shown binds every schedule drawn: to a name, or in a list it binds."""
    assert entry.code.startswith("import lrkit\n")
    ns: dict[str, Any] = {}
    exec(compile(entry.code, entry.name, "exec"), ns)
    bound: list[Any] = []
    for value in ns.values():
        bound += value if isinstance(value, list) else [value]
    for label, schedule in entry.schedules:
        assert any(isinstance(b, lrkit.Schedule) and b == schedule for b in bound), label


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.plateau is None], ids=lambda e: e.name)
def test_every_spec_builds_the_schedules_drawn(entry: Entry) -> None:
    """The SPECs of the "Draw it" command are the schedules drawn, in order."""
    assert [parse_spec(spec).schedule for spec in entry.specs()] == [s for _, s in entry.schedules]


def test_a_draw_it_command_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """One command with each option the gallery's commands use (--log, --no-boundaries)."""
    monkeypatch.chdir(tmp_path)
    entry = gallery.by_name("ExponentialDecay")
    command = gallery._command(entry)
    assert command is not None and "--log" in command and "--no-boundaries" in command
    assert main(shlex.split(command)[1:]) == 0, capsys.readouterr().err
    assert mpimg.imread(tmp_path / "ExponentialDecay.png").shape[2] == 4


def test_plateau_entry_matches_torch_reduce_on_plateau() -> None:
    (entry,) = [e for e in ENTRIES if e.plateau is not None]
    plateau = entry.plateau
    assert plateau is not None
    metric = gallery.synthetic_loss(plateau.epochs, plateau.seed)
    param = torch.nn.Parameter(torch.zeros(2))
    opt = torch.optim.SGD([param], lr=plateau.lr, momentum=0.9)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **plateau.options)
    expected = [opt.param_groups[0]["lr"]]
    for value in metric:
        opt.step()
        sched.step(float(value))
        expected.append(opt.param_groups[0]["lr"])
    (curve,) = entry.curves()
    assert np.array_equal(curve.lr, expected)
    cuts = np.flatnonzero(np.diff(expected)) + 1
    assert len(cuts) >= 2  # the synthetic loss makes the rule act
    assert curve.boundaries == tuple(float(c) for c in cuts)


def test_synthetic_loss_is_fixed_and_levels_off() -> None:
    a, b = gallery.synthetic_loss(100, 1), gallery.synthetic_loss(100, 1)
    assert np.array_equal(a, b)
    k = np.arange(1, 101)
    residual = a - (0.3 + 1.7 * np.exp(-k / 8.0))
    assert abs(residual.mean()) < 0.01 and 0.005 < residual.std() < 0.03
    assert a[:10].mean() > 1.0 > 0.4 > a[-50:].mean()


# -- the pictures -------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_every_picture_reads_well(entry: Entry, tmp_path: Path) -> None:
    """Through matplotlib's own queries on the figure the gallery saves: whole steps are
    ticked at whole numbers, the lr axis is logarithmic where a linear one would show a
    plateau as 0, no two texts overlap and no legend covers a curve's lowest points."""
    from test_plot import layout_problems

    captured: list[Any] = []
    original = lrkit.plot.write

    def keep(fig: Any, path: Any, fmt: Any = None) -> None:
        captured.append(fig)
        original(fig, path, fmt)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lrkit.plot, "write", keep)
        entry.draw(str(tmp_path / f"{entry.name}.png"))
    (fig,) = captured
    ax = fig.axes[0]
    drawn = entry.curves()
    if all(np.array_equal(c.steps, np.round(c.steps)) for c in drawn) and not entry.steps_per_epoch:
        low, high = ax.get_xlim()
        ticks = [t for t in ax.get_xticks() if low <= t <= high]
        assert len(ticks) >= 3 and all(t == int(t) for t in ticks), ticks
    assert ax.get_yscale() == ("log" if entry.log_axis else "linear")
    if entry.log is None:
        assert entry.log_axis == lrkit.plot.wants_log(drawn)
    assert layout_problems(fig) == []


def test_plateaus_of_step_decays_are_drawn_on_a_log_axis() -> None:
    for name in ("StepLR", "MultiStepLR", "ExponentialLR", "MultiplicativeLR"):
        assert gallery.by_name(name).log_axis, name
    for name in ("SequentialLR", "ChainedScheduler"):
        assert gallery.by_name(name).curves()[0].steps.tolist() == list(range(21))


def test_every_figure_has_a_title_axis_labels_and_a_legend() -> None:
    from lrkit.plot import draw, figure

    for entry in ENTRIES:
        fig, ax = figure(gallery.SIZE)
        draw(ax, entry.curves(), log=entry.log, steps_per_epoch=entry.steps_per_epoch,
             title=entry.title, legend="below")  # fmt: skip
        assert ax.get_title() == entry.title
        assert ax.get_xlabel() in ("step", "epoch") and ax.get_ylabel() == "learning rate"
        legend = ax.get_legend()
        assert legend is not None and not fig.legends
        texts = [t.get_text() for t in legend.get_texts()]
        assert len(texts) >= len(entry.schedules) and all(texts)


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.code: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs)["src"] or "")
        self._in_code = tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False if tag == "code" else self._in_code

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.code.append(data)


def test_build_writes_every_picture_an_index_and_a_page(tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    paths = gallery.build(
        tmp_path / "out",
        markdown_path=tmp_path / "page.md",
        progress=lambda i, n, entry, path: seen.append((i, n, entry.name)),
    )
    n = len(ENTRIES)
    assert seen == [(i, n, e.name) for i, e in enumerate(ENTRIES, start=1)]
    assert [Path(p).name for p in paths] == [f"{e.name}.png" for e in ENTRIES]
    for entry, path in zip(ENTRIES, paths, strict=True):
        data = Path(path).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        image = mpimg.imread(path)
        assert image.shape == (500, 900, 4), entry.name
        assert image[..., :3].std() > 0.05, entry.name
        coloured = np.ptp(image[..., :3], axis=-1) > 0.3  # the curves (grey/black is not)
        assert coloured.mean() > 0.003, entry.name
    parser = _Links()
    parser.feed((tmp_path / "out" / "index.html").read_text(encoding="utf-8"))
    assert parser.images == [f"{e.name}.png" for e in ENTRIES]
    # Every config shown rebuilds the schedule drawn.
    configs = [json.loads(c) for c in parser.code if c.lstrip().startswith(("{", "["))]
    rebuilt = [c for c in configs if not (isinstance(c, dict) and c["type"] == "ReduceLROnPlateau")]
    expected = [e.schedules[0][1] if len(e.schedules) == 1 else [s for _, s in e.schedules]
                for e in ENTRIES if e.plateau is None]  # fmt: skip
    assert len(rebuilt) == len(expected)
    for config, schedule in zip(rebuilt, expected, strict=True):
        if isinstance(config, list):
            assert [lrkit.from_config(c) for c in config] == schedule
        else:
            assert lrkit.from_config(config) == schedule
    page = (tmp_path / "page.md").read_text(encoding="utf-8")
    assert page == gallery.markdown(ENTRIES, "out")


def test_docs_gallery_page_is_up_to_date() -> None:
    """docs/gallery.md is what `lrkit gallery -o docs/gallery --markdown docs/gallery.md` writes."""
    page = (DOCS / "gallery.md").read_text(encoding="utf-8")
    assert page == gallery.markdown(ENTRIES, "gallery"), (
        "regenerate it: lrkit gallery -o docs/gallery --markdown docs/gallery.md"
    )
    for entry in ENTRIES:
        picture = DOCS / "gallery" / f"{entry.name}.png"
        assert picture.exists(), picture
        assert mpimg.imread(picture).shape == (500, 900, 4)
    for name in (
        "StepLR",
        "MultiStepLR",
        "ExponentialLR",
        "LinearLR",
        "CyclicLR",
        "OneCycleLR",
        "CosineAnnealingLR",
        "CosineAnnealingWarmRestarts",
    ):  # the seed's figures
        assert f"![{name}](gallery/{name}.png)" in page
    # torch's schedulers, then lrkit's own under a heading of their own, each linking to
    # its family's page (the site's strict build checks that the pages and anchors exist).
    theirs, ours = page.split("\n# lrkit's own schedules\n")
    for entry in ENTRIES:
        part = theirs if entry.torch else ours
        assert f"\n## {entry.title}\n" in part, entry.name
        if entry.code:
            assert f"](schedules/{entry.page})" in part, entry.name
    assert theirs.count("\ntorch:\n") == len(TORCH_ENTRIES) and "\nlrkit:\n" not in theirs
    assert ours.count("\nlrkit:\n") == len(OWN_ENTRIES) and "\ntorch:\n" not in ours


def test_the_gallery_names_what_it_cites() -> None:
    """Never "the tutorial" without its title; every entry with documented arguments says
    whose example they are: torch's documentation of the class, or the tutorial by name."""
    assert "调整方案" in gallery.TUTORIAL
    page = gallery.markdown(ENTRIES, "gallery")
    html_page = gallery.index_html(ENTRIES)
    for text in (page, html_page, gallery.__doc__ or "", *(e.summary + e.note for e in ENTRIES)):
        for match in re.finditer(r"tutorial", text):
            sentence = text[text.rfind(".", 0, match.start()) + 1 : text.find(".", match.end())]
            assert (
                "调整方案" in sentence or "tutorial's own" in sentence or ("TUTORIAL" in sentence)
            ), sentence
    seeded = [e for e in ENTRIES if e.from_seed]
    assert {e.name for e in seeded if e.example == "tutorial"} == {
        "ExponentialLR",
        "CosineAnnealingLR",
    }
    for entry in seeded:
        section = page.split(f"\n## {entry.title}\n", 1)[1].split("\n## ", 1)[0]
        assert entry.cites and entry.cites in section, entry.name
        assert gallery.TUTORIAL in entry.cites
        if entry.example == "torch":
            assert (
                f"torch's documentation of torch.optim.lr_scheduler.{entry.scheduler},"
                in entry.cites
            )
        assert html.escape(entry.cites) in html_page
    for entry in ENTRIES:
        if not entry.from_seed:
            assert entry.cites == ""


def test_by_name() -> None:
    assert gallery.by_name("StepLR").scheduler == "StepLR"
    with pytest.raises(KeyError, match="no gallery entry 'Nope'"):
        gallery.by_name("Nope")
