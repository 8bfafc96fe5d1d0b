"""Checks for the classroom assignments: a student's function against the package's.

    from gantutor import grading
    grading.check_nonsaturating_g(nonsaturating_g)  # silent, or says what is wrong

A check calls the student's function and the reference (this package's own code) on
cases chosen to tell the common mistakes apart, and raises :class:`CheckFailed`, an
``AssertionError``, whose message names the case where the two differ, by how much,
and, when the answer behaves like a known mistake on every case, which mistake and
where to look. A function that still raises ``NotImplementedError`` (nbgrader's
stub) is "not written yet". Gradients are compared too: a loss or a penalty that
cannot be back-propagated is wrong even when its value is right.

:func:`check_function` (``core``) is the general tool; the ``check_*`` functions are
the graded cells of ``assignments/``: Part 1 in ``gan``, Part 2 in ``penalty`` and
``critic``, Part 6 in ``frechet``. Each is shown to fail on wrong answers by
``tests/test_grading.py`` and ``tools/assignments.py check``.
"""

from gantutor.grading.core import Case, CheckFailed, Mistake, check_function
from gantutor.grading.critic import (
    SENTINEL,
    ConstantGenerator,
    LinearCritic,
    check_critic_step,
)
from gantutor.grading.frechet import (
    check_fd_curve,
    check_fd_infinity,
    check_fd_same_distribution,
    check_frechet_distance,
    reference_fd,
)
from gantutor.grading.gan import (
    REVERSE_KL,
    check_nonsaturating_g,
    check_optimal_discriminator,
    check_reverse_kl_activation,
    check_reverse_kl_conjugate,
    check_trained_discriminator,
)
from gantutor.grading.penalty import (
    HalfSquare,
    TinyCritic,
    check_critic_loss,
    check_gradient_norms,
    check_gradient_penalty,
    check_penalty_run,
    reference_critic_loss,
    reference_penalty,
)

__all__ = [
    "REVERSE_KL",
    "SENTINEL",
    "Case",
    "CheckFailed",
    "ConstantGenerator",
    "HalfSquare",
    "LinearCritic",
    "Mistake",
    "TinyCritic",
    "check_critic_loss",
    "check_critic_step",
    "check_fd_curve",
    "check_fd_infinity",
    "check_fd_same_distribution",
    "check_frechet_distance",
    "check_function",
    "check_gradient_norms",
    "check_gradient_penalty",
    "check_nonsaturating_g",
    "check_optimal_discriminator",
    "check_penalty_run",
    "check_reverse_kl_activation",
    "check_reverse_kl_conjugate",
    "check_trained_discriminator",
    "reference_critic_loss",
    "reference_fd",
    "reference_penalty",
]
