	ret #ERRNO(13)
