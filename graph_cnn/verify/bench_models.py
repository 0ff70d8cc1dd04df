"""The articles' models as tf.keras and PyTorch users would write them, for ``graph-cnn bench``
only: the same layers, widths, batch size and optimizer, built from the layer list each pipeline
declares (``Pipeline.reference``, :class:`graph_cnn.harness.spec.Reference`) so that the two
frameworks cannot drift apart. Where the article's own code exists in a framework
(``Reference.originals``: the Keras convnet's Keras, the PyTorch LeNet's PyTorch), the bench times
that instead (``graph_cnn.verify.originals``). Convs are SAME unless marked "valid"; pools VALID."""

_SAME = "same"
_BN_EPSILON = 1e-3  # tf.layers' and Keras's default, where a layer list names none


def twins(pipelines):
    """The ids of ``pipelines`` whose reference declares a layer list: the ones with twins."""
    return [pid for pid, p in pipelines.items() if p.reference and p.reference.layers]


def keras_model(keras, reference):
    """(model, optimizer) in Keras from a pipeline's ``reference``, input 28x28x1, logits out."""
    layers = keras.layers
    (name, lr), spec = reference.optimizer, reference.layers
    body = [keras.Input((28, 28, 1))]
    for kind, *args in spec:
        if kind == "conv":
            padding = args[3] if len(args) > 3 else _SAME
            body.append(layers.Conv2D(args[0], args[1], padding=padding, activation=args[2]))
        elif kind == "maxpool":
            body.append(layers.MaxPooling2D(args[0], args[1]))
        elif kind == "avgpool":
            body.append(layers.AveragePooling2D(args[0], args[1]))
        elif kind == "dense":
            body.append(layers.Dense(args[0], activation=args[1]))
        elif kind == "bn":
            body.append(layers.BatchNormalization(momentum=0.9,
                                                  epsilon=args[0] if args else _BN_EPSILON))
        elif kind == "act":
            body.append(layers.Activation(args[0]))
        elif kind == "dropout":
            body.append(layers.Dropout(args[0]))
        else:
            body.append(layers.Flatten())
    optimizer = {"adam": lambda: keras.optimizers.Adam(lr, epsilon=1e-8),
                 "rmsprop": lambda: keras.optimizers.RMSprop(lr),
                 "sgd": lambda: keras.optimizers.SGD(lr)}[name]()
    return keras.Sequential(body), optimizer


def torch_model(torch, reference):
    """(model, optimizer) in PyTorch from a pipeline's ``reference``, input N x 1 x 28 x 28,
    logits out."""
    nn = torch.nn
    (name, lr), spec = reference.optimizer, reference.layers
    acts = {"selu": nn.SELU, "relu": nn.ReLU, "sigmoid": nn.Sigmoid}
    body, channels, size, flat = [], 1, 28, None
    for kind, *args in spec:
        if kind == "conv":
            valid = len(args) > 3 and args[3] == "valid"
            body.append(nn.Conv2d(channels, args[0], args[1], padding=0 if valid else args[1] // 2))
            channels, size = args[0], size - args[1] + 1 if valid else size
        elif kind in ("maxpool", "avgpool"):
            pool = nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d
            body.append(pool(args[0], args[1]))
            size = (size - args[0]) // args[1] + 1
        elif kind == "dense":
            inputs = flat if flat else channels
            body.append(nn.Linear(inputs, args[0]))
            channels, flat = args[0], None
        elif kind == "bn":
            norm = nn.BatchNorm2d if isinstance(body[-1], nn.Conv2d) else nn.BatchNorm1d
            body.append(norm(channels, eps=args[0] if args else _BN_EPSILON, momentum=0.1))
        elif kind == "dropout":
            body.append(nn.Dropout(args[0]))
        elif kind == "flatten":
            body.append(nn.Flatten())
            flat = channels * size * size
        activation = {"conv": args[2:3], "dense": args[1:2], "act": args[:1]}.get(kind, [None])
        activation = activation[0]
        if activation:
            body.append(acts[activation]())
    model = nn.Sequential(*body)
    params = model.parameters()
    optimizer = {"adam": lambda: torch.optim.Adam(params, lr=lr, eps=1e-8),
                 # Keras 2's rule: rho 0.9, epsilon 1e-7 outside the root, as torch's
                 "rmsprop": lambda: torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7),
                 "sgd": lambda: torch.optim.SGD(params, lr=lr)}[name]()
    return model, optimizer
