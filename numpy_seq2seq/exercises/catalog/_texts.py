"""Sentences several exercises share."""

RNN_SELF = (
    "`self` is a SimpleRNN: `self.params = [W, U, b]` (Keras's kernel (D, H), "
    "recurrent_kernel (H, H) and bias (H,)), `self.grads` the arrays of their gradients, "
    "in the same order."
)
