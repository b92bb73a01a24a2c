# Every action alone, on every syscall.
	ret #ALLOW
