# Stacking partners.
	ld [nr]
	jeq #39, kill
	jeq #102, trap		# getuid
	ret #ALLOW
kill:	ret #KILL_PROCESS
trap:	ret #TRAP
