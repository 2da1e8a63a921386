"""A minimal writer of Caffe's .caffemodel / .binaryproto protobufs (no caffe,
no protobuf package), for test fixtures. Field numbers from caffe.proto:

NetParameter: name 1, layers 2 (V1LayerParameter), layer 100 (LayerParameter)
LayerParameter: name 1, type 2 (string), bottom 3, top 4, blobs 7
V1LayerParameter: bottom 2, top 3, name 4, type 5 (enum), blobs 6
BlobProto: num 1, channels 2, height 3, width 4, data 5 (packed float), shape 7 (BlobShape: dim 1, packed int64)
"""

import numpy as np


def varint(v):
    out = bytearray()
    v &= (1 << 64) - 1
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire):
    return varint((field << 3) | wire)


def length_delimited(field, payload):
    return key(field, 2) + varint(len(payload)) + payload


def string(field, s):
    return length_delimited(field, s.encode())


def uint(field, v):
    return key(field, 0) + varint(v)


def blob(arr, legacy):
    """BlobProto of a float32 array: legacy num/channels/height/width (4-D, padded with leading 1s) or a BlobShape."""
    arr = np.ascontiguousarray(arr, dtype="<f4")
    out = b""
    if legacy:
        dims = [1] * (4 - arr.ndim) + list(arr.shape)
        for f, d in zip((1, 2, 3, 4), dims):
            out += uint(f, d)
    else:
        out += length_delimited(7, length_delimited(1, b"".join(varint(d) for d in arr.shape)))
    return out + length_delimited(5, arr.tobytes())


# V1LayerParameter.LayerType values used here (caffe.proto).
V1_TYPES = {"Convolution": 4, "InnerProduct": 14, "ReLU": 18, "LRN": 15, "Pooling": 17, "Dropout": 6, "Data": 5, "Softmax": 20}


def layer(name, type_, blobs=(), v1=False, bottom=None, top=None):
    if v1:
        msg = b""
        if bottom:
            msg += string(2, bottom)
        if top:
            msg += string(3, top)
        msg += string(4, name) + uint(5, V1_TYPES[type_])
        for b in blobs:
            msg += length_delimited(6, blob(b, legacy=True))
        return length_delimited(2, msg)
    msg = string(1, name) + string(2, type_)
    if bottom:
        msg += string(3, bottom)
    if top:
        msg += string(4, top)
    for b in blobs:
        msg += length_delimited(7, blob(b, legacy=False))
    return length_delimited(100, msg)


def net(name, layers):
    return string(1, name) + b"".join(layers)


