# Scratch memory, division and shifts by X feed the verdict.
	ld [nr]
	st M[0]
	ldx #3
	div x
	st M[1]
	ld M[0]
	ldx #0
	jeq #7, divzero
	ld M[1]
	ldx #33
	lsh x
	jgt #300, big
	ld [arg1]
	tax
	ld [arg0]
	div x
	jeq #2, two
	ret #ALLOW
divzero:
	div x
	ret #ALLOW
big:	ret #ERRNO(11)
two:	ret #ERRNO(12)
