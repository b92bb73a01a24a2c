# ERRNO(0): the syscall is skipped and returns 0.
	ret #ERRNO(0)
