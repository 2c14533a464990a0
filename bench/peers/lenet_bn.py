"""configs/lenet_bn.yaml in PyTorch: d2l's BatchNorm LeNet, one epoch (see lenet.py)."""
import lenet

if __name__ == "__main__":
    lenet.main(bn=True)
