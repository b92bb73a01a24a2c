# No network: socket(2) fails with EPERM, everything else is allowed.
# Other architectures (i386 via int 0x80) are killed: their syscall numbers
# differ, so this filter could not say what they mean.
	ld [arch]
	jeq #AUDIT_ARCH_X86_64, native, foreign
native:
	ld [nr]
	jeq #41, deny, allow		# 41: socket on x86-64
deny:
	ret #ERRNO(1)			# EPERM
allow:
	ret #ALLOW
foreign:
	ret #KILL_PROCESS
