# TRAP with data 0x42 in si_errno.
	ret #0x30042
