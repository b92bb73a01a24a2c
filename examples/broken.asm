# Broken on purpose: M[3] is written on one path only, then read.
	ld [nr]
	jeq #0, write, read
write:
	st M[3]
read:
	ldx M[3]
	ret a
