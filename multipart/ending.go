package multipart

// EndLock holds upload id's end until the returned func is called. It
// serialises the ends of one upload (Complete, Abort) within this
// process: a second Complete then finds the first one's result, and an
// Abort either comes before a Complete (which then finds no upload) or
// after it (and finds none itself), never in the middle. Across nodes the
// slot file's lock (AdoptSlots) keeps the bytes of an object whole.
func (s *Store) EndLock(id string) (unlock func()) { return s.ends.Lock(id) }
