# A different action per syscall, a default for the rest.
	ld [arch]
	jeq #AUDIT_ARCH_X86_64, native, compat
native:
	ld [nr]
	jeq #39, eperm		# getpid
	jeq #110, trap		# getppid
	jeq #62, kill		# kill
	jeq #83, log		# mkdir
	jeq #186, kill_thread	# gettid
	jeq #200, trace		# tkill
	jgt #400, high
	ret #ALLOW
compat:
	ld [nr]
	jeq #20, eperm		# i386 getpid
	jge #300, trap
	ret #ERRNO(38)
eperm:
	ret #ERRNO(1)
trap:
	ret #0x30007
kill:
	ret #KILL_PROCESS
log:
	ret #LOG
kill_thread:
	ret #KILL_THREAD
trace:
	ret #TRACE(9)
high:
	ret #ERRNO(22)
