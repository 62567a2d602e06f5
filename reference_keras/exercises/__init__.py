"""The Keras track: write the seed's three models and its inference loop yourself.

``python -m reference_keras.exercises new DIR`` writes two skeletons,
``build_models`` (``model_train``, ``model_pred_e`` and the one-step
``pred_d_model`` that shares ``d_rnn`` and ``d_dense``) and ``predict`` (the
loop that feeds each output back and carries the state); ``check DIR`` grades
them by loading the same weights into your models and ours and comparing
every output, for the SimpleRNN, the GRU and the LSTM; ``solve DIR`` writes
ours.  It lives in ``reference_keras`` because it needs TensorFlow; the
NumPy track is ``python -m numpy_seq2seq.exercises``.
"""
