"""``slim.model_analyzer``: the sizes of a model's variables and of its ops' outputs, printed in
TF1's table (``name (type shape) [size, bytes: n]``), as DCGAN-era scripts showed them."""


def tensor_description(var):
    """``(float32_ref 5x5x3x64)``: the dtype and the shape, ``?`` for an unknown dimension."""
    sizes = "x".join("?" if size is None else str(size) for size in var.get_shape().as_list()) \
        if var.get_shape().rank is not None else ""
    return f"({var.dtype.name} {sizes})"


def analyze_ops(graph, print_info=False):
    """Total number of elements in the outputs of ``graph``'s ops (unknown shapes count 0);
    ``print_info`` prints one line per op."""
    if print_info:
        print("---------")
        print("Operations: name -> (type shapes) [size]")
        print("---------")
    total_size = 0
    for op in graph.get_operations():
        op_size, shapes = 0, []
        for output in op.outputs:
            op_size += output.get_shape().num_elements() or 0
            if output.get_shape():
                shapes.append(tensor_description(output))
        if print_info:
            print(op.name, "\t->", ", ".join(shapes), "[" + str(op_size) + "]")
        total_size += op_size
    return total_size


def analyze_vars(variables, print_info=False):
    """(total elements, total bytes) of ``variables``; ``print_info`` prints one line each and
    the totals."""
    if print_info:
        print("---------")
        print("Variables: name (type shape) [size]")
        print("---------")
    total_size = total_bytes = 0
    for var in variables:
        var_size = var.get_shape().num_elements() or 0
        var_bytes = var_size * var.dtype.size
        total_size += var_size
        total_bytes += var_bytes
        if print_info:
            print(var.name, tensor_description(var), f"[{var_size}, bytes: {var_bytes}]")
    if print_info:
        print(f"Total size of variables: {total_size}")
        print(f"Total bytes of variables: {total_bytes}")
    return total_size, total_bytes
