"""The Python examples of README.md and docs/*.md run, and give the values they state.

Every fenced ``python`` block of README.md and docs/*.md is collected; each must be handled
by exactly one test here (``test_every_python_block_is_handled``):

* the blocks of README.md, docs/index.md and docs/plotting.md run page by page (a page's
  blocks build on each other), statement by statement;
* README.md's drop-in block runs twice, as written and with the import its comment says it
  replaces, and the two trajectories must agree;
* docs/contributing.md's declaration of a drop-in class runs in the module it is quoted
  from and must behave like torch's class;
* the torch snippets of docs/gallery.md run (with torch's module and with lrkit.torch) and
  must give the curves of the lrkit configs printed beside them; the lrkit code of its
  sections for lrkit's own schedules must build those configs.

A block that cannot run would be listed in ``UNRUNNABLE`` with its reason, and skipped
explicitly; none is today. Premises a snippet takes from its surroundings (an
``optimizer`` it does not build) are given in ``PREMISES``, each with its reason.

Comments state values. One that starts with a Python literal (``s(0), s(100)  # (0.1,
0.001)``) must equal the statement's value exactly; every other comment is a claim with its
own check in ``CLAIMS`` (or names the test that checks it). A comment that is neither fails
``test_every_comment_is_checked``, so a new example gets its check.
"""

from __future__ import annotations

import ast
import dataclasses
import io
import json
import re
import textwrap
import tokenize
import types
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
import torch

import lrkit
import lrkit.torch
from lrkit import gallery

matplotlib.use("Agg")
import matplotlib.axes
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: torch against a closed form: a few ulps per step of its recursion (docs/torch-compat.md),
#: and an absolute error of a few ulps of the largest rate where its formulas cancel (next
#: to a cosine's trough, at the end of OneCycleLR): TORCH_ATOL times that rate.
TORCH_RTOL = 1e-12
TORCH_ATOL = 1e-16


@dataclasses.dataclass(frozen=True)
class Block:
    page: str  # relative to the repository
    line: int  # of the opening fence
    source: str  # dedented

    @property
    def key(self) -> tuple[str, str]:
        """The page and the block's first line: stable when text around it changes."""
        return self.page, self.source.strip().splitlines()[0].strip()

    def __str__(self) -> str:
        return f"{self.page}:{self.line}"


def collect() -> list[Block]:
    blocks = []
    for path in PAGES:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^([ \t]*)```python\n(.*?)^[ \t]*```", text, re.S | re.M):
            line = text.count("\n", 0, match.start()) + 1
            source = textwrap.dedent(match.group(2))
            blocks.append(Block(str(path.relative_to(ROOT)), line, source))
    return blocks


BLOCKS = collect()
GALLERY = [b for b in BLOCKS if b.page == "docs/gallery.md"]
RUN_PAGES = (
    "README.md",
    "docs/index.md",
    "docs/plotting.md",
    "docs/driving-torch.md",
    "docs/configs.md",
)

#: Blocks that cannot run here, each with the reason (none today).
UNRUNNABLE: dict[tuple[str, str], str] = {}

DROP_IN = ("README.md", "import lrkit.torch as lr_scheduler   # instead of: from torch.optim import lr_scheduler")  # fmt: skip
DECLARATION = ("docs/contributing.md", "import lrkit.core as lk")
MULTIPLICATIVE = ("docs/gallery.md", "lmbda = lambda epoch: 0.95")


def sgd(lrs: tuple[float, ...] = (0.1,), momentum: float = 0.9) -> torch.optim.SGD:
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs]
    return torch.optim.SGD(groups, lr=lrs[0], momentum=momentum)


#: Names a block uses but does not define: what the test gives it, and why.
PREMISES: dict[tuple[str, str], tuple[Callable[[], dict[str, Any]], str]] = {
    DROP_IN: (
        lambda: {"optimizer": sgd()},
        "a line of a training script: the optimizer is the script's (SGD, momentum 0.9)",
    ),
    MULTIPLICATIVE: (
        lambda: {"optimizer": sgd((0.05,))},
        "the tutorial's snippet continues with the optimizer of the ones around it, "
        "lr = 0.05 for all groups (the config's lr)",
    ),
}


# -- statements and their comments -------------------------------------------------------


def comments_of(source: str) -> dict[int, str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {t.start[0]: t.string[1:].strip() for t in tokens if t.type == tokenize.COMMENT}


def stated_literal(comment: str) -> tuple[bool, Any]:
    """Whether ``comment`` starts with a Python literal (then a ``:``, ``;`` or its end),
    and the literal."""
    for end in range(len(comment), 0, -1):
        if end < len(comment) and comment[end] not in ":;":
            continue
        try:
            return True, ast.literal_eval(comment[:end].strip())
        except (ValueError, SyntaxError):
            continue
    return False, None


@dataclasses.dataclass
class Ran:
    """A statement that ran: its node, source, value, and the pyplot figures before it."""

    block: Block
    node: ast.stmt
    source: str
    value: Any
    figures_before: list[int]
    comments: list[str]


def statements(block: Block, ns: dict[str, Any]) -> Iterator[Ran]:
    """Run ``block`` in ``ns`` one top-level statement at a time, yielding each."""
    tree = ast.parse(block.source)
    comments = comments_of(block.source)
    lines = block.source.splitlines()
    for node in tree.body:
        assert node.end_lineno is not None
        span = range(node.lineno, node.end_lineno + 1)
        source = "\n".join(lines[node.lineno - 1 : node.end_lineno])
        before = list(plt.get_fignums())
        name = f"{block}"
        if isinstance(node, ast.Expr):
            value = eval(compile(ast.Expression(node.value), name, "eval"), ns)
        else:
            exec(compile(ast.Module([node], []), name, "exec"), ns)
            value = None
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                value = ns[node.targets[0].id]
        yield Ran(block, node, source, value, before, [comments[i] for i in span if i in comments])


# -- the claims of the comments that are not literals --------------------------------------


def _float64_curve(ran: Ran, ns: dict[str, Any]) -> None:
    curve, s = ran.value, ns["s"]
    assert isinstance(curve, np.ndarray) and curve.dtype == np.float64
    assert curve.shape == (1_000_000,)
    steps = [0, 1, 50, 99, 100, 101, 199, 200, 12_345, 999_999]
    np.testing.assert_array_equal(curve[steps], [s(t) for t in steps])


def _rebuilds_an_equal_schedule(ran: Ran, ns: dict[str, Any]) -> None:
    config = ran.value
    assert json.loads(json.dumps(config, allow_nan=False)) == config  # plain JSON data
    assert lrkit.from_config(config) == ns["warmup"]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _axes_and_notebook_picture(ran: Ran, ns: dict[str, Any]) -> None:
    assert isinstance(ran.value, matplotlib.axes.Axes)
    assert _png_size(ns["warmup"]._repr_png_()) == (600, 320)


def _new_pyplot_figure(ran: Ran, ns: dict[str, Any]) -> None:
    assert isinstance(ran.value, matplotlib.axes.Axes)
    assert ran.value.figure.number not in ran.figures_before
    assert plt.fignum_exists(ran.value.figure.number)


def _no_overlap_no_hidden_curve(ran: Ran, ns: dict[str, Any]) -> None:
    """Through matplotlib's renderer: no two texts (tick labels, axis labels, legends) of
    the two panels overlap, and no legend covers a curve's lowest points (CyclicLR's
    troughs)."""
    from test_plot import layout_problems

    ax = ran.value
    assert ax is ns["right"] and ax.figure is ns["fig"]
    assert ax.get_lines()[0].get_label() == "CyclicLR"
    assert layout_problems(ns["fig"]) == []


def _drawn_from_a_copy(ran: Ran, ns: dict[str, Any]) -> None:
    ax, scheduler, optimizer = ran.value, ns["scheduler"], ns["optimizer"]
    (line,) = [line for line in ax.get_lines() if line.get_linestyle() != ":"]
    expected = lrkit.StepLR(lr=0.1, step_size=3, gamma=0.5)(np.arange(11))
    np.testing.assert_array_equal(line.get_ydata(), expected)
    assert line.get_ydata()[[0, 3, 6, 9]].tolist() == [0.1, 0.05, 0.025, 0.0125]
    # untouched: still at step 0, the optimizer never stepped (no momentum buffers)
    assert scheduler.last_epoch == 0 and scheduler._step_count == 1
    assert [g["lr"] for g in optimizer.param_groups] == [0.1]
    assert len(optimizer.state) == 0


def _x_axis_in_epochs(ran: Ran, ns: dict[str, Any]) -> None:
    ax = ran.value
    assert ax is ns["left"]
    assert ax.get_xlabel() == "epoch"
    xs = np.concatenate([line.get_xdata() for line in ax.get_lines()])
    assert xs.min() == 0.0 and xs.max() == 10.0  # 1000 steps of 100 per epoch


def _momentum_cycled_by_onecycle(ran: Ran, ns: dict[str, Any]) -> None:
    momenta = ran.value
    # SGD's momentum (0.9 as preview builds it) is replaced by OneCycleLR's cycle, from
    # max_momentum 0.95 down towards base_momentum 0.85 during the warm-up.
    expected = lrkit.OneCycleLR(max_lr=0.1, total_steps=1000).momentum(np.arange(3))
    assert momenta[0] == 0.95
    np.testing.assert_allclose(momenta, expected, rtol=TORCH_RTOL, atol=0)
    assert momenta[0] > momenta[1] > momenta[2] > 0.85


def _checked_by(test: str) -> str:
    return f"checked by {test}"


CLAIMS: dict[tuple[str, str], Callable[[Ran, dict[str, Any]], None] | str] = {
    ("README.md", "a float64 array, vectorised"): _float64_curve,
    ("docs/index.md", "a float64 array, vectorised"): _float64_curve,
    ("README.md", "plain JSON data that rebuilds an equal schedule"): _rebuilds_an_equal_schedule,
    ("docs/index.md", "plain JSON data that rebuilds an equal schedule"): _rebuilds_an_equal_schedule,
    ("docs/index.md", "a matplotlib Axes; in Jupyter, `warmup` alone draws it"): _axes_and_notebook_picture,
    ("docs/plotting.md", "a new pyplot figure"): _new_pyplot_figure,
    ("docs/plotting.md", "x axis in epochs"): _x_axis_in_epochs,
    ("docs/plotting.md", "no text overlaps another, no legend hides a curve"): _no_overlap_no_hidden_curve,
    ("docs/plotting.md", "0.1 halved every 3 steps; the scheduler is untouched"): _drawn_from_a_copy,
    ("docs/plotting.md", "SGD's momentum, cycled by OneCycleLR"): _momentum_cycled_by_onecycle,
    ("README.md", "instead of: from torch.optim import lr_scheduler"): _checked_by(
        "test_readme_drop_in_gives_torchs_trajectory"
    ),
    ("docs/contributing.md", "the core class, built by keyword"): _checked_by(
        "test_contributing_declaration_behaves_like_torch"
    ),
    ("docs/contributing.md", "torch's attributes passed to it by name"): _checked_by(
        "test_contributing_declaration_behaves_like_torch"
    ),
    ("docs/contributing.md", "torch multiplies the current lr (False: overwrites)"): _checked_by(
        "test_contributing_declaration_behaves_like_torch"
    ),
}  # fmt: skip
#: The gallery's comments are the premises of its torch snippets: test_gallery_snippets
#: builds the optimizer (or data loader) they describe and compares with the config.
GALLERY_PREMISES = {
    "Assuming optimizer has two groups (lr=0.05 each).",
    "Assuming optimizer uses lr = 0.05 for all groups",
    "Assuming optimizer uses lr = 0.001 for all groups",
    "Assuming optimizer uses lr = 1. for all groups",
    "len(data_loader) = 100",
    "lr=0.1",
    "here: 100 epochs of a synthetic val_loss",
}


# -- which test handles which block --------------------------------------------------------


def handled() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for block in BLOCKS:
        if block.key in UNRUNNABLE:
            out[block.key] = "unrunnable"
        elif block.key == DROP_IN:
            out[block.key] = "test_readme_drop_in_gives_torchs_trajectory"
        elif block.key == DECLARATION:
            out[block.key] = "test_contributing_declaration_behaves_like_torch"
        elif block.page in RUN_PAGES:
            out[block.key] = "test_page_examples"
        elif block.page == "docs/gallery.md":
            out[block.key] = "test_gallery_snippets"
    return out


def test_every_python_block_is_handled() -> None:
    assert len(BLOCKS) >= 25
    keyed = [b for b in BLOCKS if b.page != "docs/gallery.md"]  # the gallery's go by section
    assert len({b.key for b in keyed}) == len(keyed), "two blocks open with the same line"
    missing = [str(b) for b in BLOCKS if b.key not in handled()]
    assert not missing, f"python blocks no test runs: {missing}"
    keys = {b.key for b in BLOCKS}
    stale = [k for k in (*UNRUNNABLE, *PREMISES, DROP_IN, DECLARATION) if k not in keys]
    assert not stale, f"entries for blocks the docs no longer have: {stale}"
    assert {b.page for b in BLOCKS} >= {*RUN_PAGES, "docs/gallery.md", "docs/contributing.md"}


def test_every_comment_is_checked() -> None:
    unchecked = []
    for block in BLOCKS:
        for line, comment in comments_of(block.source).items():
            if (block.page, comment) in CLAIMS:
                continue
            if block.page == "docs/gallery.md" and comment in GALLERY_PREMISES:
                continue
            if block.page in RUN_PAGES and stated_literal(comment)[0]:
                continue
            unchecked.append(f"{block.page}:{block.line + line}: # {comment}")
    assert not unchecked, "comments with no check: " + "; ".join(unchecked)
    stale = [k for k in CLAIMS if not any(k[0] == b.page and k[1] in b.source for b in BLOCKS)]
    assert not stale, stale


def test_stated_literal() -> None:
    assert stated_literal("(0.1, 0.001)") == (True, (0.1, 0.001))
    assert stated_literal("0.95: the cycled momentum is a schedule too") == (True, 0.95)
    assert stated_literal("(1000, 2): one column per param group") == (True, (1000, 2))
    assert stated_literal("a float64 array, vectorised") == (False, None)
    assert stated_literal("lr=0.1") == (False, None)
    assert stated_literal("len(data_loader) = 100") == (False, None)


# -- README.md, docs/index.md, docs/plotting.md -------------------------------------------


#: How many literal comments and claims each page's examples state (all checked).
CHECKS_PER_PAGE = {
    "README.md": {"literals": 8, "claims": 2},
    "docs/index.md": {"literals": 1, "claims": 3},
    "docs/plotting.md": {"literals": 1, "claims": 6},
    "docs/driving-torch.md": {"literals": 13, "claims": 0},
    "docs/configs.md": {"literals": 7, "claims": 0},
}


@pytest.mark.parametrize("page", RUN_PAGES)
def test_page_examples(page: str) -> None:
    ns: dict[str, Any] = {"__name__": "__example__"}
    checked = {"literals": 0, "claims": 0}
    try:
        for block in BLOCKS:
            if block.page != page or handled()[block.key] != "test_page_examples":
                continue
            for ran in statements(block, ns):
                for comment in ran.comments:
                    claim = CLAIMS.get((page, comment))
                    if callable(claim):
                        claim(ran, ns)
                        checked["claims"] += 1
                        continue
                    stated, literal = stated_literal(comment)
                    assert stated, f"{block}: unchecked comment # {comment}"
                    assert isinstance(ran.node, ast.Expr), f"{block}: {ran.source}"
                    assert ran.value == literal, f"{block}: {ran.source} gave {ran.value!r}"
                    assert type(ran.value) is type(literal) or (
                        isinstance(ran.value, float) and isinstance(literal, float)
                    )
                    checked["literals"] += 1
                if ran.source == "lrkit.OneCycleLR(max_lr=0.1, total_steps=1000)":
                    # "A schedule shows itself as a plot (600 x 320) when it is the value
                    # of a notebook cell".
                    assert _png_size(ran.value._repr_png_()) == (600, 320)
                    checked["claims"] += 1
    finally:
        plt.close("all")
    assert checked == CHECKS_PER_PAGE[page]


# -- README.md: the drop-in ----------------------------------------------------------------


def test_readme_drop_in_gives_torchs_trajectory() -> None:
    """The block as written (lrkit.torch) and with the import its comment names (torch):
    the same lrs and momenta at every step of the run."""
    (block,) = [b for b in BLOCKS if b.key == DROP_IN]
    make_premise, _ = PREMISES[DROP_IN]
    first, rest = block.source.split("\n", 1)
    replaced = first.split("#", 1)[1].removeprefix(" instead of:").strip()
    assert replaced == "from torch.optim import lr_scheduler"
    runs = {}
    for label, source in (("lrkit", block.source), ("torch", replaced + "\n" + rest)):
        ns = {"__name__": "__example__", **make_premise()}
        exec(compile(source, str(block), "exec"), ns)
        module = ns["lr_scheduler"]
        assert module is (lrkit.torch if label == "lrkit" else torch.optim.lr_scheduler)
        optimizer, scheduler = ns["optimizer"], ns["scheduler"]
        rows = [(optimizer.param_groups[0]["lr"], optimizer.param_groups[0]["momentum"])]
        for _ in range(999):
            optimizer.step()
            scheduler.step()
            rows.append((optimizer.param_groups[0]["lr"], optimizer.param_groups[0]["momentum"]))
        runs[label] = np.array(rows)
    for column, scale in ((0, 0.1), (1, 0.95)):  # lr, momentum
        np.testing.assert_allclose(
            runs["lrkit"][:, column],
            runs["torch"][:, column],
            rtol=TORCH_RTOL,
            atol=TORCH_ATOL * scale,
        )
    assert runs["lrkit"][0, 0] == 0.1 / 25 and runs["lrkit"][0, 1] == 0.95


# -- docs/contributing.md: a drop-in declaration --------------------------------------------


def test_contributing_declaration_behaves_like_torch() -> None:
    """The declaration, run inside lrkit.torch._schedulers (where it is quoted from),
    gives a StepLR that writes the core's values (built by keyword), follows an assigned
    ``gamma`` (a ``hyper`` attribute) and multiplies the current lr when something else
    moved it (``recursive = True``), as torch's StepLR does."""
    import lrkit.torch._schedulers as module

    (block,) = [b for b in BLOCKS if b.key == DECLARATION]
    ns = dict(vars(module))
    ns.pop("StepLR")
    exec(compile(block.source, str(block), "exec"), ns)  # as written: no name supplied
    declared = ns["StepLR"]
    assert declared is not lrkit.torch.StepLR

    def run(cls: Any) -> list[float]:
        opt = sgd((0.1, 0.3))
        sched = cls(opt, step_size=3, gamma=0.5)
        lrs = [g["lr"] for g in opt.param_groups]
        for t in range(1, 13):
            opt.step()
            if t == 5:
                sched.gamma = 0.25  # torch reads it at the next decay
            if t == 8:
                opt.param_groups[1]["lr"] = 0.2  # something else moved the lr
            sched.step()
            lrs += [g["lr"] for g in opt.param_groups]
        return lrs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = run(torch.optim.lr_scheduler.StepLR)
        ours = run(declared)
    np.testing.assert_allclose(ours, theirs, rtol=TORCH_RTOL, atol=0)
    assert ours == run(lrkit.torch.StepLR)
    # The adapter builds the core class by keyword from the hyper attributes.
    assert declared.core is lrkit.StepLR and declared.hyper == ("step_size", "gamma")
    # Exact where nothing moved the lr: group 0 at step 12 is 0.1 * 0.5 * 0.25 ** 3.
    assert ours[-2] == 0.1 * 0.5 * 0.25**3
    assert ours[-1] == 0.2 * 0.25**2  # group 1: from the moved lr, two decays (9 and 12)


# -- docs/gallery.md: each torch snippet is the config printed beside it --------------------


@dataclasses.dataclass(frozen=True)
class Section:
    title: str
    block: Block
    configs: list[dict[str, Any]]
    steps: int | None  # from the section's `lrkit plot ... --steps N`
    own: bool = False  # one of lrkit's own schedules: the block is lrkit code, not torch's


def gallery_sections() -> list[Section]:
    text = (ROOT / "docs" / "gallery.md").read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"^## ", text, re.M)]
    sections = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        part = text[start:end]
        line = text.count("\n", 0, start) + 1
        title = part.splitlines()[0][3:]
        (code,) = re.findall(r"```python\n(.*?)```", part, re.S)
        (config,) = re.findall(r"```json\n(.*?)```", part, re.S)
        found = re.findall(r"--steps (\d+)", part)
        loaded = json.loads(config)
        (block,) = [b for b in GALLERY if b.source == code and b.line > line]
        sections.append(
            Section(
                title,
                block,
                loaded if isinstance(loaded, list) else [loaded],
                int(found[0]) if found else None,
                "\nlrkit:\n\n```python\n" in part,
            )
        )
    return sections


SECTIONS = gallery_sections()


def test_gallery_sections_cover_every_gallery_block() -> None:
    assert sorted(s.block.line for s in SECTIONS) == sorted(b.line for b in GALLERY)
    assert len(SECTIONS) == len(gallery.ENTRIES)


def premise_optimizer(block: Block) -> torch.optim.SGD | None:
    """The optimizer a snippet's comment describes (or PREMISES gives), or None."""
    if block.key in PREMISES:
        return PREMISES[block.key][0]()["optimizer"]  # type: ignore[no-any-return]
    text = " ".join(comments_of(block.source).values())
    found = re.search(r"lr\s*=\s*([0-9.]+)", text)
    if found is None:
        return None
    lr = float(found.group(1))
    count = 2 if "two groups" in text else 1
    return sgd((lr,) * count)


class Loader:
    """A data loader of ``n`` batches that records the group lrs each batch is trained at."""

    def __init__(self, n: int, ns: dict[str, Any]) -> None:
        self.n, self.ns, self.seen = n, ns, []

    def __len__(self) -> int:
        return self.n

    def __iter__(self) -> Iterator[int]:
        for i in range(self.n):
            self.seen.append([g["lr"] for g in self.ns["optimizer"].param_groups])
            yield i


def snippet_namespace(module: types.ModuleType, optimizer: Any, block: Block) -> dict[str, Any]:
    """What a gallery snippet's names mean: ``module`` is torch's scheduler module or
    lrkit.torch (``torch.optim.lr_scheduler`` in the snippet included); a data loader
    whose length a comment states (``len(data_loader) = 100``) has that length."""
    model = torch.nn.Linear(2, 1)
    fake_torch = types.SimpleNamespace(
        optim=types.SimpleNamespace(SGD=torch.optim.SGD, lr_scheduler=module)
    )
    ns: dict[str, Any] = {"__name__": "__example__"}
    ns.update({name: getattr(module, name) for name in torch.optim.lr_scheduler.__all__})
    ns.update(torch=fake_torch, optim=torch.optim, lr_scheduler=module, model=model)
    if optimizer is not None:
        ns["optimizer"] = optimizer
    for comment in comments_of(block.source).values():
        stated = re.fullmatch(r"len\((\w+)\) = (\d+)", comment)
        if stated:
            ns[stated.group(1)] = range(int(stated.group(2)))
    return ns


def trajectories(scheduler: Any, optimizer: Any, steps: int) -> tuple[Any, Any]:
    """Every group's lr and momentum, row 0 right after construction."""
    lrs, momenta = [], []
    for t in range(steps + 1):
        if t:
            optimizer.step()
            scheduler.step()
        lrs.append([g["lr"] for g in optimizer.param_groups])
        momenta.append([g.get("momentum", np.nan) for g in optimizer.param_groups])
    return np.array(lrs), np.array(momenta)


def closed_form(schedule: Any, steps: Any) -> Any:
    """``schedule`` at each step, one scalar evaluation at a time (as the drop-in does)."""
    return np.array([schedule(int(t) if float(t).is_integer() else float(t)) for t in steps])


def assert_curve(got: Any, schedule: Any, steps: Any, what: str) -> None:
    """torch's trajectory, and the drop-in's (which follows torch's per-step rule inside
    composites and calls the snippet's lambdas): the closed form up to torch's rounding.
    The drop-in's exactness is tested in tests/test_dropin_exact.py."""
    expected = closed_form(schedule, steps)
    atol = TORCH_ATOL * float(np.abs(expected).max())
    np.testing.assert_allclose(got, expected, rtol=TORCH_RTOL, atol=atol, err_msg=what)


def matches(got: Any, schedule: Any, steps: Any) -> bool:
    try:
        assert_curve(got, schedule, steps, "")
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize("module", [torch.optim.lr_scheduler, lrkit.torch], ids=["torch", "lrkit"])
@pytest.mark.parametrize("section", SECTIONS, ids=[s.title for s in SECTIONS])
def test_gallery_snippets(section: Section, module: types.ModuleType) -> None:
    block = section.block
    if section.own:
        run_own_snippet(section)
        return
    schedules = [lrkit.from_config(c) for c in section.configs if c["type"] != "ReduceLROnPlateau"]
    premise = premise_optimizer(block)
    if premise is not None:  # the lr the comment assumes is the config's
        lrs = {c["lr"] for c in section.configs if "lr" in c}
        assert lrs == {premise.param_groups[0]["lr"]}, (lrs, premise.param_groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's step-order and epoch warnings
        if "for epoch in range(" in block.source:
            run_gallery_loop(section, module, premise)
            return
        curves = []  # one per scheduler and param group: (lrs, momenta, total steps)
        ns = snippet_namespace(module, premise, block)
        for statement in ast.parse(block.source).body:
            if isinstance(statement, ast.Expr):  # a constructor call of its own
                ns["optimizer"] = sgd()
                sched = eval(compile(ast.Expression(statement.value), str(block), "eval"), ns)
                curves.append(sched)
            else:
                exec(compile(ast.Module([statement], []), str(block), "exec"), ns)
        if "scheduler" in ns:
            curves.append(ns["scheduler"])
        rows = []
        for sched in curves:
            total = getattr(sched, "total_steps", None)
            steps = section.steps or 100
            if total is not None and module is torch.optim.lr_scheduler:
                steps = min(steps, total - 1)  # torch extrapolates at total_steps (documented)
            if "data_loader" in block.source:
                assert total == 100 * 10
            lrs, momenta = trajectories(sched, sched.optimizer, steps)
            rows += [(lrs[:, g], momenta[:, g]) for g in range(lrs.shape[1])]
    # In order, every curve is one of the configs' (a subsequence: the gallery may draw more).
    k = 0
    for lrs, momenta in rows:
        t = np.arange(len(lrs), dtype=np.float64)
        while k < len(schedules) and not matches(lrs, schedules[k], t):
            k += 1
        assert k < len(schedules), f"{section.title}: a curve matches no config after the last"
        momentum = schedules[k].momentum
        if momentum is not None:
            assert_curve(momenta, momentum, t, f"{section.title}: momentum")
        k += 1
    assert rows


def run_own_snippet(section: Section) -> None:
    """A schedule torch has no class for: its lrkit code binds (to a name, or in a list)
    a schedule equal to each config printed beside it."""
    ns: dict[str, Any] = {"__name__": "__example__"}
    exec(compile(section.block.source, str(section.block), "exec"), ns)
    bound: list[Any] = []
    for value in ns.values():
        bound += value if isinstance(value, list) else [value]
    built = [b for b in bound if isinstance(b, lrkit.Schedule)]
    for config in section.configs:
        assert lrkit.from_config(config) in built, (section.title, config)


def run_gallery_loop(section: Section, module: types.ModuleType, premise: Any) -> None:
    """The two snippets with a training loop: warm restarts stepped with fractional
    epochs, and ReduceLROnPlateau fed a validation loss."""
    block = section.block
    ns = snippet_namespace(module, premise, block)
    if "ReduceLROnPlateau" in block.source:
        (entry,) = [e for e in gallery.ENTRIES if e.plateau is not None]
        assert entry.plateau is not None
        plateau = entry.plateau
        # "here: 100 epochs of a synthetic val_loss": numpy.random.default_rng(1), as the
        # page says, the loss the gallery draws.
        assert (plateau.epochs, plateau.seed, plateau.lr) == (100, 1, 0.1)
        losses = iter(gallery.synthetic_loss(100, 1))
        trained: list[float] = []
        ns["train"] = lambda *args: trained.append(ns["optimizer"].param_groups[0]["lr"])
        ns["validate"] = lambda *args: float(next(losses))
        exec(compile(block.source, str(block), "exec"), ns)
        assert len(trained) == 100
        (config,) = section.configs
        sched = ns["scheduler"]
        for key in ("mode", "factor", "patience"):
            assert getattr(sched, key) == config[key], key
        assert trained[0] == config["lr"]
        (curve,) = entry.curves()
        # The lr each epoch trained at is the gallery's curve, which steps after each epoch.
        assert trained == list(curve.lr[:100])
        assert ns["optimizer"].param_groups[0]["lr"] == curve.lr[100]
        assert len(set(trained)) >= 3  # the rule acted (twice at least)
        return
    # CosineAnnealingWarmRestarts: 20 batches per epoch (the page's prose), 70 epochs.
    loader = Loader(20, ns)
    ns["dataloader"] = loader
    exec(compile(block.source, str(block), "exec"), ns)
    (schedule,) = [lrkit.from_config(c) for c in section.configs]
    assert section.steps == 70
    epochs = [0.0, *(e + i / 20 for e in range(70) for i in range(20))][:-1]
    got = np.array(loader.seen)[:, 0]
    assert got.shape == (70 * 20,)
    assert_curve(got, schedule, epochs, section.title)
