"""The supervision packet: its context (context.py), its HTML (render.py) and its PDF (pdf.py)."""
