# mkdir(2) kills the process with SIGSYS; everything else is allowed.
	ld [arch]
	jeq #AUDIT_ARCH_X86_64, native, kill
native:
	ld [nr]
	jeq #83, kill, allow		# 83: mkdir on x86-64
allow:
	ret #ALLOW
kill:
	ret #KILL_PROCESS
