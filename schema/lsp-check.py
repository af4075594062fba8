"""Checks a fact file the way an editor does: opens it in yaml-language-server (npm install -g
yaml-language-server), which reads the schema named on its first line, and prints the
diagnostics, the completions offered at LINE:COL, and the hover text at HOVER_LINE:HOVER_COL.

    python3 schema/lsp-check.py facts/quotes.yaml LINE COL HOVER_LINE HOVER_COL
"""
import json, subprocess, sys, pathlib, time

path = pathlib.Path(sys.argv[1]).resolve()
line, col = int(sys.argv[2]), int(sys.argv[3])
hover_line, hover_col = int(sys.argv[4]), int(sys.argv[5])
text = path.read_text()
proc = subprocess.Popen(["yaml-language-server", "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
mid = 0
def send(method, params, notify=False):
    global mid
    msg = {"jsonrpc": "2.0", "method": method, "params": params}
    if not notify:
        mid += 1
        msg["id"] = mid
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()
    return None if notify else mid
def read():
    headers = {}
    while True:
        l = proc.stdout.readline().decode().strip()
        if not l:
            break
        k, v = l.split(": ", 1)
        headers[k] = v
    return json.loads(proc.stdout.read(int(headers["Content-Length"])))
def wait(pred, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        m = read()
        if m.get("method") == "workspace/configuration":
            send_resp(m["id"], [{"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}}] * len(m["params"]["items"]))
            continue
        if m.get("id") is not None and "method" in m:
            send_resp(m["id"], None)
            continue
        if pred(m):
            return m
def send_resp(i, result):
    body = json.dumps({"jsonrpc": "2.0", "id": i, "result": result}).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()
uri = path.as_uri()
i = send("initialize", {"processId": None, "rootUri": path.parent.as_uri(), "capabilities": {"textDocument": {"completion": {"completionItem": {"snippetSupport": False}}, "hover": {"contentFormat": ["plaintext"]}}}})
wait(lambda m: m.get("id") == i)
send("initialized", {}, notify=True)
send("workspace/didChangeConfiguration", {"settings": {"yaml": {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}}}}, notify=True)
send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}, notify=True)
d = wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
print("diagnostics:")
for x in d["params"]["diagnostics"]:
    print(f'  {x["range"]["start"]["line"]+1}:{x["range"]["start"]["character"]+1} {x["message"]}')
i = send("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line - 1, "character": col - 1}})
c = wait(lambda m: m.get("id") == i)
items = c["result"]["items"] if isinstance(c["result"], dict) else c["result"]
print("completions:", sorted(x["label"] for x in items))
i = send("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": hover_line - 1, "character": hover_col - 1}})
h = wait(lambda m: m.get("id") == i)
print("hover:", json.dumps(h["result"]["contents"] if h["result"] else None)[:300])
proc.kill()
