# 65535 is capped to 4095.
	ret #ERRNO(65535)
