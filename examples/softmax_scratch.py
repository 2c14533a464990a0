"""examples/softmax_scratch.cpp in PyTorch, line for line (d2l 4.4): the twin its README figures are
compared with. Run by hand with Debian's python3-torch: /usr/bin/python3 examples/softmax_scratch.py
(no test or build reads this file)."""
import gzip, numpy, torch
R="/usr/share/datasets/fashion-mnist/"
def imgs(p):
    with gzip.open(p) as f: d=numpy.frombuffer(f.read(),dtype=numpy.uint8,offset=16)
    return torch.from_numpy(d.astype(numpy.float32)/255.0).reshape(-1,784)
def labs(p):
    with gzip.open(p) as f: return torch.from_numpy(numpy.frombuffer(f.read(),dtype=numpy.uint8,offset=8).astype(numpy.int64))
X,Y=imgs(R+"train-images-idx3-ubyte.gz"),labs(R+"train-labels-idx1-ubyte.gz")
Xt,Yt=imgs(R+"t10k-images-idx3-ubyte.gz"),labs(R+"t10k-labels-idx1-ubyte.gz")
torch.manual_seed(0)
W=torch.normal(0,0.01,size=(784,10),requires_grad=True); b=torch.zeros(10,requires_grad=True)
def softmax(X): e=torch.exp(X); return e/e.sum(1,keepdim=True)
def net(X): return softmax(X@W+b)
def ce(yh,y): return -torch.log(yh[range(len(yh)),y])
for ep in range(10):
    perm=torch.randperm(60000); ls=0; right=0
    for i in range(0,60000,256):
        idx=perm[i:i+256]; yh=net(X[idx]); l=ce(yh,Y[idx]); l.mean().backward()
        with torch.no_grad():
            for p in (W,b): p-=0.1*p.grad; p.grad.zero_()
        ls+=float(l.sum()); right+=float((yh.argmax(1)==Y[idx]).sum())
    with torch.no_grad(): ta=float((net(Xt).argmax(1)==Yt).float().mean())
    print(f"epoch {ep+1}, loss {ls/60000:.4f}, train acc {right/60000:.4f}, test acc {ta:.4f}")
