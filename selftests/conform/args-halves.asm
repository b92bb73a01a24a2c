# Comparisons on both halves of the arguments, K and X forms, ALU.
	ld [arg0]
	jeq #1, a0lo
	ld [arg0_hi]
	jeq #1, a0hi
	ld [arg1]
	jgt #0x80000000, a1big
	ld [arg1_hi]
	jge #0xfffffffe, a1hi
	ld [arg2]
	jset #0x100, a2bit
	ld [arg3]
	and #0xff00
	rsh #8
	jeq #0x12, a3mid
	ld [arg4_hi]
	tax
	ld [arg4]
	jeq x, a4same
	ld [arg5]
	add #1
	jeq #0, a5max
	ld [arg5_hi]
	lsh #4
	jgt #0x100, a5hi
	ret #ALLOW
a0lo:	ret #ERRNO(1)
a0hi:	ret #ERRNO(2)
a1big:	ret #ERRNO(3)
a1hi:	ret #ERRNO(4)
a2bit:	ret #0x30005
a3mid:	ret #ERRNO(6)
a4same:	ret #ERRNO(7)
a5max:	ret #ERRNO(8)
a5hi:	ret #ERRNO(9)
