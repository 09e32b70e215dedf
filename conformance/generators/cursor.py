"""What the generators' format readers share: a position in the bytes, and
the two ways an input can fail -- it ends too soon, or it can never be valid."""


class Incomplete(ValueError):
    """The input ends inside an item."""


class Malformed(ValueError):
    """The input can never be completed into a valid item."""


class Cursor:
    def __init__(self, data):
        self.data, self.pos = bytes(data), 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise Incomplete(f"needs {n} bytes at offset {self.pos}, has {len(self.data) - self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def whole(self):
        """The one item the input holds; bytes after it are Malformed."""
        v = self.item()
        if self.pos != len(self.data):
            raise Malformed(f"{len(self.data) - self.pos} trailing bytes at offset {self.pos}")
        return v
