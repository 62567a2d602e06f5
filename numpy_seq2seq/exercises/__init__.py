"""Exercises: write the BPTT yourself, and be told exactly what is wrong.

``python -m numpy_seq2seq.exercises new DIR`` writes nine skeletons, each a
function of ``numpy_seq2seq/core/`` with its body blanked (generated from the
core's source, ``source.py``); ``check DIR`` grades them against Keras's own
numbers (``golden.npz``, made by ``python -m reference_keras golden``) and
against central differences, without TensorFlow; ``solve DIR`` writes the
reference solutions.  ``docs/exercises.md`` is the guide.
"""
