"""lrkit's error objects: they pickle (so errors raised in worker processes reach the parent)
and, re-raised with a config key path, keep their type and chain to the original error.
"""

from __future__ import annotations

import copy
import multiprocessing
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

import lrkit
from lrkit import InvalidType, InvalidValue
from lrkit.core import LrkitError

PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)

NESTED_CONFIG: dict[str, Any] = {
    "type": "SequentialLR",
    "lr": 0.1,
    "milestones": [5],
    "schedulers": [{"type": "StepLR", "step_size": 0}, {"type": "StepLR", "step_size": 3}],
}


def assert_same_error(back: BaseException, error: LrkitError, *, value: Any) -> None:
    assert type(back) is type(error)
    assert isinstance(back, LrkitError)
    assert str(back) == str(error)
    assert back.args == error.args
    assert back.argument == error.argument
    assert back.rule == error.rule
    assert back.hint == error.hint
    assert back.value == value
    assert type(back.value) is type(value)


def raised(call: Any, *args: Any, **kwargs: Any) -> LrkitError:
    with pytest.raises(LrkitError) as info:
        call(*args, **kwargs)
    return info.value


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(
    "error",
    [
        InvalidValue("step_size", "a positive integer", 0),
        InvalidValue("step_size", "a positive integer", 33.3, hint="round it, e.g. to 33"),
        InvalidValue("milestones", "a list of integers >= 0", [3, -1]),
        InvalidValue("type", "given: one of StepLR", None),
        InvalidType("lr", "a positive finite number", "0.1"),
        InvalidType("T_max", "a positive integer", True),
        InvalidType("config", "a mapping with a 'type' key", {"lr": (0.1, 0.2)}),
    ],
    ids=repr,
)
def test_pickle_round_trip(error: LrkitError, protocol: int) -> None:
    back = pickle.loads(pickle.dumps(error, protocol=protocol))
    assert_same_error(back, error, value=error.value)
    assert isinstance(back, ValueError if isinstance(error, InvalidValue) else TypeError)


def test_raised_errors_pickle_round_trip() -> None:
    for error in (
        raised(lrkit.StepLR, lr=0.1, step_size=0),
        raised(lrkit.StepLR, lr=0.1, step_size=2.5),
        raised(lrkit.StepLR, lr="0.1", step_size=3),
    ):
        back = pickle.loads(pickle.dumps(error))
        assert_same_error(back, error, value=error.value)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("cls", [InvalidValue, InvalidType])
def test_unpicklable_value_travels_as_its_repr(cls: type[LrkitError], protocol: int) -> None:
    function = lambda t: t  # noqa: E731 - a lambda is the point: it cannot be pickled
    error = cls("lr_lambda", "an expression string", function)
    with pytest.raises(Exception):  # noqa: B017 - whichever error pickle raises for it
        pickle.dumps(function, protocol=protocol)
    back = pickle.loads(pickle.dumps(error, protocol=protocol))
    assert_same_error(back, error, value=repr(function))
    # The original error is untouched by pickling it.
    assert error.value is function


def test_unpicklable_value_inside_a_container() -> None:
    value = [1, threading.Lock()]
    error = InvalidValue("milestones", "a list of integers >= 0", value)
    back = pickle.loads(pickle.dumps(error))
    assert_same_error(back, error, value=repr(value))


def test_notes_and_extra_attributes_survive_pickling() -> None:
    error = InvalidValue("step_size", "a positive integer", 0)
    # ``error.add_note(...)`` on Python >= 3.11; it stores the list in the same attribute.
    setattr(error, "__notes__", ["while building schedulers[0]"])  # noqa: B010
    setattr(error, "where", "worker 3")  # noqa: B010
    back = pickle.loads(pickle.dumps(error))
    assert getattr(back, "__notes__", None) == ["while building schedulers[0]"]
    assert getattr(back, "where", None) == "worker 3"


def test_copy_and_deepcopy() -> None:
    error = InvalidType("lr", "a positive finite number", [0.1])
    for clone in (copy.copy(error), copy.deepcopy(error)):
        assert_same_error(clone, error, value=[0.1])


def test_with_path_keeps_type_and_chains_the_original() -> None:
    for original in (
        InvalidValue("step_size", "a positive integer", 0),
        InvalidType("lr", "a positive finite number", "0.1", hint="a string"),
    ):
        error = original.with_path("schedulers[1]")
        assert type(error) is type(original)
        assert error.argument == f"schedulers[1].{original.argument}"
        assert (error.rule, error.value, error.hint) == (
            original.rule,
            original.value,
            original.hint,
        )
        assert str(error).startswith(f"schedulers[1].{original.argument} must be {original.rule}")
        assert error.__cause__ is original
        assert error.__suppress_context__
        assert error.__traceback__ is None
    same = InvalidValue("step_size", "a positive integer", 0).with_path("")
    assert same.argument == "step_size"


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_with_path_error_pickle_round_trip(protocol: int) -> None:
    error = InvalidValue("step_size", "a positive integer", 0).with_path("schedulers[0]")
    back = pickle.loads(pickle.dumps(error, protocol=protocol))
    assert_same_error(back, error, value=0)
    assert back.argument == "schedulers[0].step_size"
    # Like any exception, the cause does not travel with the pickle.
    assert back.__cause__ is None

    function = lambda t: t  # noqa: E731
    wrapped = InvalidType("lr_lambda", "an expression string", function).with_path("of")
    back = pickle.loads(pickle.dumps(wrapped, protocol=protocol))
    assert_same_error(back, wrapped, value=repr(function))
    assert back.argument == "of.lr_lambda"


def test_from_config_names_the_key_path_and_chains_the_original() -> None:
    with pytest.raises(InvalidValue) as info:
        lrkit.from_config(NESTED_CONFIG)
    error = info.value
    assert type(error) is InvalidValue
    assert error.argument == "schedulers[0].step_size"
    assert str(error) == "schedulers[0].step_size must be a positive integer, got 0"
    cause = error.__cause__
    assert type(cause) is InvalidValue
    assert cause.argument == "step_size"
    assert cause.value == 0
    assert str(cause) == "step_size must be a positive integer, got 0"
    assert cause.__traceback__ is not None  # the original keeps where it was raised


def test_from_config_type_error_keeps_its_type() -> None:
    config = {"type": "StepLR", "lr": "0.1", "step_size": 3}
    with pytest.raises(InvalidType) as info:
        lrkit.from_config({"type": "SequentialLR", "milestones": [1], "schedulers": [config]})
    assert info.value.argument == "schedulers[0].lr"
    assert type(info.value.__cause__) is InvalidType
    assert info.value.__cause__.argument == "lr"


@pytest.fixture(scope="module")
def spawn_pool() -> Any:
    with ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        yield pool


def test_error_raised_in_a_spawned_worker_reaches_the_parent(
    spawn_pool: ProcessPoolExecutor,
) -> None:
    # Submit lrkit's own callables: the worker imports them by name, unlike a test function.
    expected = raised(lrkit.StepLR, lr=0.1, step_size=0)
    future = spawn_pool.submit(lrkit.StepLR, lr=0.1, step_size=0)
    with pytest.raises(InvalidValue) as info:
        future.result(timeout=120)
    assert_same_error(info.value, expected, value=0)
    assert isinstance(info.value, ValueError)

    expected = raised(lrkit.StepLR, lr="0.1", step_size=3)
    bad_type: dict[str, Any] = {"lr": "0.1", "step_size": 3}
    future = spawn_pool.submit(lrkit.StepLR, **bad_type)
    with pytest.raises(InvalidType) as info_type:
        future.result(timeout=120)
    assert_same_error(info_type.value, expected, value="0.1")


def test_config_error_raised_in_a_spawned_worker_reaches_the_parent(
    spawn_pool: ProcessPoolExecutor,
) -> None:
    expected = raised(lrkit.from_config, NESTED_CONFIG)
    future = spawn_pool.submit(lrkit.from_config, NESTED_CONFIG)
    with pytest.raises(InvalidValue) as info:
        future.result(timeout=120)
    assert_same_error(info.value, expected, value=0)
    assert info.value.argument == "schedulers[0].step_size"
    # The pool still works: the error did not break it.
    assert spawn_pool.submit(
        lrkit.from_config, NESTED_CONFIG["schedulers"][1] | {"lr": 0.1}
    ).result(timeout=120) == lrkit.StepLR(lr=0.1, step_size=3)
