"""The nine exercises: which function of the core each one blanks, and the hint it gets.

The functions themselves are not copied here: ``source.py`` reads them from
``numpy_seq2seq/core/`` when it writes a workspace, so the skeletons and the
reference solutions are always the code the tests check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..core.adam import Adam
from ..core.seq2seq import Dense, Seq2SeqNet, mse
from ..core.simple_rnn import SimpleRNN


class Exercise(NamedTuple):
    """One exercise: a file of the workspace holding one or two functions of the core."""

    number: int
    name: str  # for --only, and the file name ex<number>_<name>.py
    title: str
    functions: tuple[tuple[type | None, Callable], ...]  # (the class it belongs to, function)
    hints: tuple[str, ...]  # one per function
    about: str  # what ``self`` is and what the checker does with the function

    @property
    def filename(self) -> str:
        return f"ex{self.number}_{self.name}.py"


RNN_SELF = (
    "`self` is a SimpleRNN: `self.params = [W, U, b]` (Keras's kernel (D, H), "
    "recurrent_kernel (H, H) and bias (H,)), `self.grads` the arrays of their gradients, "
    "in the same order."
)

EXERCISES = (
    Exercise(
        1,
        "step",
        "one RNN step forward",
        ((SimpleRNN, SimpleRNN.step),),
        (
            "a_t already holds x_t W + b (eq. (1), computed for all steps at once by forward), "
            "so only the recurrent term is left to add before the tanh. Keras multiplies "
            "h_{t-1} @ U, with U = self.params[1].",
        ),
        RNN_SELF + " The checker runs your step alone, then inside our `forward` on the "
        "encoder's input.",
    ),
    Exercise(
        2,
        "forward",
        "the sequence forward",
        ((SimpleRNN, SimpleRNN.forward),),
        (
            "Eq. (1) for every step at once (xs @ W + b works on the whole (N, T, D) array), "
            "then a loop over t calling self.step. Start from h0, or from zeros when h0 is None. "
            "Keep self.cache = (xs, h0, hs) for backward and self.state = h_T (the context).",
        ),
        RNN_SELF + " The checker runs your forward on the encoder (from zeros) and the decoder "
        "(from the context), then runs our `backward` on what you cached.",
    ),
    Exercise(
        3,
        "dense_mse",
        "Dense and MSE backward",
        ((Dense, Dense.backward), (None, mse)),
        (
            "Eq. (7): the same V serves every step, so sum over both N and T; flattening "
            "(N, T, .) to (N*T, .) makes that one matrix product. Write the gradients into "
            "self.grads in place (self.grads[0][...] = ...): the model holds those arrays.",
            "Eqs. (5)-(6): Keras averages over every element, so the gradient of each "
            "squared error carries 2 / (N*T*O), where N*T*O is diff.size.",
        ),
        "`self` is a Dense layer: `self.params = [V, b_o]`, `self.cache` the hs its forward "
        "saw. `mse` is a plain function.",
    ),
    Exercise(
        4,
        "step_backward",
        "one RNN step backward",
        ((SimpleRNN, SimpleRNN.step_backward),),
        (
            "Eq. (9): dz_t = dh * tanh'(z_t), and backward hands you tanh'(z_t) = 1 - h_t^2 "
            "as dtanh_t. Eq. (10): z_t = a_t + h_{t-1} U, so the gradient on h_{t-1} is "
            "dz_t U^T. Return that gradient only.",
        ),
        RNN_SELF + " The checker calls it with a recurrent kernel of its own and compares "
        "with Keras's gradient of one SimpleRNN step.",
    ),
    Exercise(
        5,
        "bptt",
        "BPTT over the sequence",
        ((SimpleRNN, SimpleRNN.backward),),
        (
            "Before the loop, eq. (9)'s tanh'(z_t) = 1 - tanh(z_t)^2 for every step at once: "
            "tanh(z_t) is h_t, so that is 1 - hs**2. Loop t from T-1 down to 0. Eq. (8): h_t "
            "receives gradient from the output above (dhs[:, t]) AND from step t+1 (dh_next): "
            "add them, keep the sum in self.dh, then self.step_backward. After the loop, "
            "dz = self.dh * tanh' for every step, and eq. (11) pairs each dz_t with x_t and "
            "with h_{t-1}, the state BEFORE the step (h0 for the first). Do not modify dhs.",
        ),
        RNN_SELF + " The checker runs our `forward` first (so `self.cache` holds xs, h0 and "
        "hs), then your backward on the decoder and on the encoder.",
    ),
    Exercise(
        6,
        "context",
        "the context: the decoder's dh0 into the encoder",
        ((Seq2SeqNet, Seq2SeqNet.backward),),
        (
            "Dense first, then the decoder, then the encoder (eq. (13)): the encoder has no "
            "output above it, and its only gradient is the decoder's dh0, which arrives on "
            "its last state.",
        ),
        "`self` is the model: `self.e_rnn`, `self.d_rnn` (SimpleRNN) and `self.d_output` "
        "(Dense), each with forward and backward (ours, already run forward).",
    ),
    Exercise(
        7,
        "adam",
        "Adam as Keras computes it",
        ((Adam, Adam.update),),
        (
            "Eqs. (14)-(15), not the paper's (16): fold both bias corrections into alpha_t and "
            "add epsilon to sqrt(v), the uncorrected moment. Keras uses beta_1 and beta_2 "
            "rounded through float32 in the powers beta^t (docs/bptt.md). Write nothing: "
            "return an AdamStep; our commit writes it.",
        ),
        "`self` is an Adam: `learning_rate`, `beta_1`, `beta_2`, `epsilon`, `iterations` "
        "(steps taken so far) and the moments `m`, `v` (None before the first step).",
    ),
    Exercise(
        8,
        "predict",
        "autoregressive predict",
        ((Seq2SeqNet, Seq2SeqNet.predict),),
        (
            "Eqs. (1)-(4), run free: encode, then run the decoder one step at a time from "
            "the context and a zero "
            "input: self.d_rnn.forward on a (N, 1, O) input with h0 = the state so far; carry "
            "self.d_rnn.state; feed each output y back as the next input. There is no true y "
            "at inference.",
        ),
        "`self` is the model, as in exercise 6 (`self.encode(ex)` gives the context).",
    ),
    Exercise(
        9,
        "train",
        "training the seed task with your own pieces",
        ((Seq2SeqNet, Seq2SeqNet.loss_and_grads),),
        (
            "Forward with teacher forcing (eqs. (1)-(4)), the loss and its gradient (eqs. "
            "(5)-(6)), backward (eqs. (7)-(13)). Then the "
            "checker trains the seed's model with all your pieces (exercises 1-7 and this "
            "one) in numpy_seq2seq's own fit loop: 80 epochs, batch 16, val_loss < 0.02.",
        ),
        "`self` is the model. In the training run every piece is yours; `mse` here is your "
        "exercise 3 (the checker puts it in this file's namespace).",
    ),
)

#: The exercises by name and by number (as a string), for ``--only``.
BY_NAME = {e.name: e for e in EXERCISES} | {str(e.number): e for e in EXERCISES}
