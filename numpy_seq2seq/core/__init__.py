"""The core: the math a learner came for, in NumPy alone.

Read it in this order, beside ``docs/bptt.md`` (the equation numbers in the
comments are that page's):

1. ``simple_rnn.py``  -- the recurrence (1)-(2) and its BPTT (8)-(12);
2. ``seq2seq.py``     -- Dense (4), (7), the MSE loss (5)-(6), and the wiring:
   encoder -> context (3) -> decoder, backward through the context (13),
   and the autoregressive ``predict``;
3. ``adam.py``        -- Adam as Keras computes it (14)-(16);
4. ``initializers.py`` -- Keras's default initial weights;
5. ``gru.py``, ``lstm.py`` -- the gated cells, each in the shape of
   ``simple_rnn.py``, beside ``docs/gru.md`` (G1)-(G12) and ``docs/lstm.md`` (L1)-(L12).
6. ``attention.py``   -- attention (dot, general, additive), past the context:
   (A1)-(A14) of ``docs/attention.md``, wired into the model by ``seq2seq.py``'s
   ``AttentionSeq2SeqNet`` (A15).

Nothing here checks its input or guards against divergence: that is the
shell's job (``numpy_seq2seq/model.py``, ``validation.py``), so that the math
stays as short as the derivation.  The core imports NumPy and itself, nothing else.
"""
